// The demo client's machine flow with sender-constrained credentials, as a child process against the
// real auth-server (which demands its DPoP nonce) and MCP server (which checks the proof of every
// DPoP-bound token, and takes bearer tokens too, so that --private-key-jwt alone can be shown):
// --dpop binds the token to a key made for the run, --private-key-jwt authenticates the seeded
// demo-batch-jwt client with a signed assertion. The printed trace is the evidence.
import { describe, expect, it } from "vitest";
import { exchanges, runDemoClient } from "./support/demo-client";
import { useDpopStack } from "./support/dpop-stack";

const stack = useDpopStack();

/** Discovery, the token request refused for the nonce and retried with it, then the MCP call. */
const NONCE_ROUND_TRIP = [
  "POST /mcp → 401",
  "GET /.well-known/oauth-protected-resource/mcp → 200",
  "GET /.well-known/oauth-authorization-server → 200",
  "POST /token → 400",
  "POST /token → 200",
  "POST /mcp → 200",
];

async function machineFlow(...flags: string[]) {
  const run = await runDemoClient(["--client-credentials", "--server", stack.mcp.url, ...flags], {
    ISSUER: stack.auth.issuer,
  }).exited;
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return run.stdout;
}

/** The value of the first `name: value` detail line after `from` in the trace. */
function detail(stdout: string, name: string, from = 0): string {
  const match = stdout.slice(from).match(new RegExp(`^ {6}${name}: (.*)$`, "m"));
  if (!match?.[1]) throw new Error(`no ${name} line in:\n${stdout}`);
  return match[1];
}

describe("the demo client's machine flow, sender-constrained", () => {
  it("--dpop: a key for the run, the nonce round trip, a token bound to the key, and the DPoP call", async () => {
    const stdout = await machineFlow("--dpop");
    const thumbprint = stdout.match(/thumbprint \(RFC 7638\) ([\w-]{43})\./)?.[1] ?? "";
    expect(thumbprint).not.toBe("");
    expect(exchanges(stdout).slice(0, 6)).toEqual(NONCE_ROUND_TRIP);
    expect(stdout).toContain("error: use_dpop_nonce");
    expect(stdout).toContain("the server wants its nonce in the proof (use_dpop_nonce");

    // The first proof has no nonce, the second carries the one the server sent.
    const tokenRequests = [...stdout.matchAll(/→ POST \S+\/token$/gm)].map((m) => m.index ?? 0);
    expect(tokenRequests).toHaveLength(2);
    for (const at of tokenRequests) {
      expect(detail(stdout, "DPoP header", at)).toBe(
        `typ dpop+jwt, alg ES256, jwk EC P-256 thumbprint ${thumbprint}`,
      );
    }
    const first = detail(stdout, "DPoP claims", tokenRequests[0]);
    const second = detail(stdout, "DPoP claims", tokenRequests[1]);
    expect(first).toMatch(
      new RegExp(`^htm POST, htu ${stack.auth.issuer}/token, iat \\d+, jti [\\w-]{36}$`),
    );
    expect(second).toMatch(/, nonce \S+…$/);
    expect(stdout).toContain("token_type: DPoP");
    expect(stdout).toContain(`the access token's cnf.jkt ${thumbprint} is this run's key`);

    // Access: the DPoP scheme, a proof with the token's hash, never a bearer token.
    const call = stdout.indexOf("Access  ");
    expect(detail(stdout, "Authorization", call)).toMatch(/^DPoP \S+…$/);
    expect(detail(stdout, "DPoP claims", call)).toMatch(
      new RegExp(`^htm POST, htu ${stack.mcp.url}, iat \\d+, jti [\\w-]{36}, ath [\\w-]{43}$`),
    );
    expect(stdout.slice(call)).not.toMatch(/Authorization: Bearer/);
    expect(stdout).toMatch(/get_ticker_sentiment: Quartexa/);
    expect(stdout).not.toMatch(/"d":|\bd: /);
  });

  it("--private-key-jwt: demo-batch-jwt signs an assertion, no secret is sent, the tool answers", async () => {
    const stdout = await machineFlow("--private-key-jwt");
    expect(exchanges(stdout).slice(0, 4)).toEqual([
      "POST /mcp → 401",
      "GET /.well-known/oauth-protected-resource/mcp → 200",
      "GET /.well-known/oauth-authorization-server → 200",
      "POST /token → 200",
    ]);
    const token = stdout.indexOf("grant_type: client_credentials");
    expect(detail(stdout, "client_assertion_type", token)).toBe(
      "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    );
    expect(detail(stdout, "client_assertion header", token)).toBe("typ JWT, alg ES256");
    expect(detail(stdout, "client_assertion claims", token)).toMatch(
      new RegExp(
        `^iss demo-batch-jwt, sub demo-batch-jwt, aud ${stack.auth.issuer}, exp \\d+, iat \\d+, jti \\S+$`,
      ),
    );
    expect(stdout).not.toContain("Authorization: Basic");
    expect(stdout).toMatch(/get_ticker_sentiment: Quartexa/);
  });

  it("--private-key-jwt --dpop: the nonce retry carries a new assertion, never the spent one (a replayed jti is refused)", async () => {
    const stdout = await machineFlow("--private-key-jwt", "--dpop");
    expect(exchanges(stdout).slice(0, 6)).toEqual(NONCE_ROUND_TRIP);
    expect(stdout).toContain("and a new client assertion: its jti is single-use (RFC 7523 §3)");
    const jtis = [...stdout.matchAll(/client_assertion claims: .*, jti (\S+)$/gm)].map((m) => m[1]);
    expect(jtis).toHaveLength(2);
    expect(jtis[0]).not.toBe(jtis[1]);
    expect(stdout).toContain("token_type: DPoP");
    expect(stdout).toMatch(/get_ticker_sentiment: Quartexa/);
  });
});
