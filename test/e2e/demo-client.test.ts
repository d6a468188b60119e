// The demo client end to end: the real auth-server, MCP server and web app, the client as a child
// process, and a person's consent given in Chromium. Each run's printed trace is the evidence.
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freeLoopbackPort } from "@repo/server-kit/free-port";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./support/browser";
import {
  giveConsent as consent,
  type DemoClientRun,
  exchanges,
  runDemoClient,
} from "./support/demo-client";
import { type DemoStack, startDemoStack } from "./support/demo-stack";

let stack: DemoStack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startDemoStack(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  if (stack) {
    const errors = stack.auth.serverErrors;
    await stack.close();
    expect(errors).toEqual([]);
  }
});

function stateFile(name: string): string {
  return join(stack.directory, `${name}.json`);
}

/** The user flow with the URL printed, not opened: the test is the person at the browser. */
function userFlow(state: string, ...flags: string[]): DemoClientRun {
  return runDemoClient(["--no-browser", "--server", stack.mcpUrl, "--state-file", state, ...flags]);
}

function headings(stdout: string): string[] {
  return stdout
    .split("\n")
    .map((line) => line.match(/^(Discovery|Authorization|Access) {2}/)?.[1])
    .filter((phase): phase is string => phase !== undefined);
}

describe("the demo client's user flow", () => {
  it("walks 401 → metadata → registration → consent → token → 200 and prints a sentiment result", async () => {
    const state = stateFile("user");
    const context = await browser.newContext();
    const run = userFlow(state);
    const page = await consent(run, context);
    expect(page).toContain("You can close this tab");
    const { code, stdout, stderr } = await run.exited;
    await context.close();
    expect(stderr).toBe("");
    expect(code).toBe(0);

    expect(headings(stdout)).toEqual(["Discovery", "Authorization", "Access"]);
    expect(exchanges(stdout).slice(0, 6)).toEqual([
      "POST /mcp → 401",
      "GET /.well-known/oauth-protected-resource/mcp → 200",
      "GET /.well-known/oauth-authorization-server → 200",
      "POST /register → 201",
      "POST /token → 200",
      "POST /mcp → 200",
    ]);
    expect(stdout).toContain(
      `WWW-Authenticate: Bearer resource_metadata="${new URL(stack.mcpUrl).origin}/.well-known/oauth-protected-resource/mcp"`,
    );
    expect(stdout).toContain(`authorization_servers: ${stack.auth.issuer}`);
    expect(stdout).toContain(`issuer: ${stack.auth.issuer}`);
    expect(stdout).toMatch(/grant_type: authorization_code/);
    expect(stdout).toMatch(/iss: http:\/\/127\.0\.0\.1:\d+ — matches the issuer \(RFC 9207\)/);
    expect(stdout).toContain("MCP-Protocol-Version: 2025-11-25");
    expect(stdout).toMatch(
      /get_ticker_sentiment: Quartexa Semiconductor Corp\. \(QTXA\), .*over \d+ article\(s\)\./,
    );
    // Tokens are shortened in the trace, never printed whole.
    const stored = JSON.parse(readFileSync(state, "utf8"));
    expect(stdout).not.toContain(stored.tokens.tokens.access_token);
    expect(stdout).not.toContain(stored.tokens.tokens.refresh_token);
    // The refresh token is a credential: the file is its owner's alone.
    expect(statSync(state).mode & 0o777).toBe(0o600);

    // The second run: the stored registration and token, no discovery, no browser.
    const again = await runDemoClient([
      "--no-browser",
      "--server",
      stack.mcpUrl,
      "--state-file",
      state,
    ]).exited;
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`client_id ${stored.client.client_id.slice(0, 12)}`);
    expect(headings(again.stdout)).toEqual(["Access"]);
    expect(exchanges(again.stdout)[0]).toBe("POST /mcp → 200");
    expect(exchanges(again.stdout).filter((line) => !line.includes("/mcp"))).toEqual([]);
    expect(again.stdout).toMatch(/get_ticker_sentiment: Quartexa/);
  });

  it("refreshes an expired access token with the stored refresh token, and rotates it", async () => {
    const state = stateFile("user");
    const stored = JSON.parse(readFileSync(state, "utf8"));
    // Time passes: a token the auth-server issued eleven minutes ago, by its own clock, with the
    // refresh token that came with it. The MCP server sees a really expired, correctly signed JWT.
    stack.auth.advanceClock(-660);
    const response = await fetch(`${stack.auth.issuer}/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: stored.tokens.tokens.refresh_token,
        client_id: stored.client.client_id,
      }),
    });
    stack.auth.advanceClock(660);
    expect(response.status).toBe(200);
    const old = (await response.json()) as { access_token: string; refresh_token: string };
    stored.tokens.tokens = { ...stored.tokens.tokens, ...old };
    stored.tokens.expiresAt = Date.now() - 60_000;
    writeFileSync(state, JSON.stringify(stored), { mode: 0o600 });

    const { code, stdout } = await userFlow(state).exited;
    expect(code).toBe(0);
    expect(stdout).toMatch(/access token \S+ \(expired \d+ s ago\)/);
    expect(exchanges(stdout)).toEqual(
      expect.arrayContaining(["POST /mcp → 401", "POST /token → 200", "POST /mcp → 200"]),
    );
    expect(stdout).toMatch(/error="invalid_token"/);
    expect(stdout).toMatch(/grant_type: refresh_token/);
    expect(exchanges(stdout).filter((line) => /register|authorize/.test(line))).toEqual([]);
    expect(stdout).toMatch(/get_ticker_sentiment: Quartexa/);
    const refreshed = JSON.parse(readFileSync(state, "utf8"));
    expect(refreshed.tokens.tokens.access_token).not.toBe(old.access_token);
    expect(refreshed.tokens.tokens.refresh_token).not.toBe(old.refresh_token);
  });

  it("steps up on 403 insufficient_scope: consent to the write scope, then watchlist_add succeeds", async () => {
    const context = await browser.newContext();
    const run = userFlow(stateFile("step-up"), "--step-up", "--ticker", "VXLN");
    await consent(run, context);
    await consent(run, context, { seen: 1 });
    const { code, stdout } = await run.exited;
    await context.close();
    expect(code).toBe(0);

    const [, afterReadOnly = ""] = stdout.split(
      "Step-up: watchlist_add needs mcp:data:watchlist:write",
    );
    expect(afterReadOnly).toMatch(
      /← 403 Forbidden\n\s+WWW-Authenticate: Bearer .*error="insufficient_scope"/,
    );
    expect(afterReadOnly).toMatch(/scope="[^"]*mcp:data:watchlist:write[^"]*"/);
    expect(afterReadOnly).toContain("dropped the refresh token");
    expect(afterReadOnly).toMatch(/scope: .*mcp:tools:sentiment:read.*mcp:data:watchlist:write/);
    expect(exchanges(afterReadOnly)).toEqual([
      "POST /mcp → 403",
      "POST /token → 200",
      "POST /mcp → 200",
    ]);
    expect(afterReadOnly).toMatch(/watchlist_add: .*VXLN/);
  });

  it("stops with access_denied and exit code 1 when the person denies consent", async () => {
    const context = await browser.newContext();
    const run = userFlow(stateFile("denied"));
    const page = await consent(run, context, { decision: "Deny" });
    const { code, stderr } = await run.exited;
    await context.close();
    expect(page).toContain("access_denied");
    expect(code).toBe(1);
    expect(stderr).toMatch(/^demo-client: authorization failed: .*access_denied.*\n$/);
  });
});

describe("the demo client's machine flow", () => {
  it("--client-credentials: discovery, a client_credentials token for demo-batch, a sentiment result", async () => {
    const { code, stdout, stderr } = await runDemoClient(
      ["--client-credentials", "--server", stack.mcpUrl],
      { ISSUER: stack.auth.issuer },
    ).exited;
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(headings(stdout)).toEqual(["Discovery", "Authorization", "Access"]);
    expect(exchanges(stdout).slice(0, 5)).toEqual([
      "POST /mcp → 401",
      "GET /.well-known/oauth-protected-resource/mcp → 200",
      "GET /.well-known/oauth-authorization-server → 200",
      "POST /token → 200",
      "POST /mcp → 200",
    ]);
    expect(stdout).toContain("Authorization: Basic demo-batch:… (client_secret_basic)");
    expect(stdout).toContain("grant_type: client_credentials");
    expect(stdout).not.toContain("demo-batch-secret");
    expect(stdout).toMatch(/get_ticker_sentiment: Quartexa/);
  });

  it("never sends the client secret to an authorization server other than the configured issuer", async () => {
    const { code, stdout, stderr } = await runDemoClient(
      ["--client-credentials", "--server", stack.mcpUrl],
      { ISSUER: "http://127.0.0.1:1" },
    ).exited;
    expect(code).toBe(1);
    expect(exchanges(stdout).filter((line) => line.includes("/token"))).toEqual([]);
    expect(stderr).toMatch(
      /^demo-client: .*bound to authorization server http:\/\/127\.0\.0\.1:1 /,
    );
  });
});

describe("the demo client's errors", () => {
  it("an unreachable server is one line on stderr and exit code 1", async () => {
    const closed = `http://127.0.0.1:${await freeLoopbackPort()}/mcp`;
    const { code, stderr } = await runDemoClient([
      "--no-browser",
      "--server",
      closed,
      "--state-file",
      stateFile("unreachable"),
    ]).exited;
    expect(code).toBe(1);
    expect(stderr).toBe(
      `demo-client: cannot reach ${closed}: connection refused. Is the demo running? (npm run demo)\n`,
    );
  });

  it("--authorize=fetch stops at the sign-in page: this server wants a person", async () => {
    const { code, stderr } = await runDemoClient([
      "--authorize=fetch",
      "--server",
      stack.mcpUrl,
      "--state-file",
      stateFile("headless"),
    ]).exited;
    expect(code).toBe(1);
    expect(stderr).toMatch(/^demo-client: --authorize=fetch: .* wants a person .*\n$/);
  });
});
