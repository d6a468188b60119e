// The MCP server protected by someone else's authorization server: node-oidc-provider (a real
// process, its own discovery, registration, login and consent pages), with no auth-server of ours
// running. The real demo client on the MCP SDK finds that issuer through the MCP server's metadata
// and completes the machine flow and a person's flow, consent given in Chromium, then calls tools.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, DpopSession, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { OFFLINE_ACCESS_SCOPE, scopesForAudience } from "@repo/scopes";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./support/browser";
import { type DemoClientRun, exchanges, runDemoClient } from "./support/demo-client";
import { DpopClientCredentialsProvider, expectBoundToItsKey } from "./support/dpop-machine-client";
import { type ForeignIssuer, startForeignIssuer } from "./support/foreign-issuer";
import { type McpServer, reserveMcpUrl, startMcpServer } from "./support/mcp-server";

const MACHINE_CLIENT = { id: "nightly-report", secret: "a-secret-only-the-foreign-issuer-knows" };
// What the MCP server's metadata lists, as an operator would configure it on their own server.
const MCP_SCOPES = scopesForAudience("mcp").filter((scope) => scope !== OFFLINE_ACCESS_SCOPE);

let directory: string;
let foreign: ForeignIssuer;
let mcp: McpServer;
let browser: Browser;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), "foreign-issuer-"));
  const mcpUrl = await reserveMcpUrl();
  [foreign, browser] = await Promise.all([
    startForeignIssuer({ resource: mcpUrl, scopes: MCP_SCOPES, machineClient: MACHINE_CLIENT }),
    launchChromium(),
  ]);
  mcp = startMcpServer(mcpUrl, { issuer: foreign.issuer, jwksUrl: foreign.jwksUrl, directory });
  await mcp.ready();
});

afterAll(async () => {
  await browser?.close();
  await mcp?.close();
  await foreign?.close();
  rmSync(directory, { recursive: true, force: true });
});

/** The machine client's client-credentials request at node-oidc-provider's token endpoint. */
function requestMachineToken(scope: string, resource = mcp.url): Promise<Response> {
  return fetch(`${foreign.issuer}/token`, {
    method: "POST",
    headers: {
      Authorization: `Basic ${Buffer.from(`${MACHINE_CLIENT.id}:${MACHINE_CLIENT.secret}`).toString("base64")}`,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ grant_type: "client_credentials", scope, resource }),
  });
}

async function clientCredentialsToken(scope: string): Promise<string> {
  const response = await requestMachineToken(scope);
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

function callTool(
  token: string,
  name: string,
  args: Record<string, unknown>,
  { dpopProof }: { dpopProof?: string } = {},
): Promise<Response> {
  return fetch(mcp.url, {
    method: "POST",
    headers: {
      Authorization: `${dpopProof ? "DPoP" : "Bearer"} ${token}`,
      ...(dpopProof ? { DPoP: dpopProof } : {}),
      "Content-Type": "application/json",
      Accept: "application/json, text/event-stream",
      "MCP-Protocol-Version": "2025-11-25",
    },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name, arguments: args },
    }),
  });
}

/** node-oidc-provider's authorization endpoint is /auth, not ours: the URL the client prints. */
const FOREIGN_AUTHORIZATION_URL = /^\s+(http:\/\/\S+\/auth\?\S+)$/m;

/**
 * The person at node-oidc-provider's own pages: signs in when the browser has no session there yet
 * (its development login takes any name), then continues past its consent page.
 */
async function consentAtForeignIssuer(
  run: DemoClientRun,
  context: BrowserContext,
  seen = 0,
): Promise<string> {
  const [, url = ""] = await run.waitFor(FOREIGN_AUTHORIZATION_URL, seen + 1);
  const page = await context.newPage();
  await page.goto(url);
  const login = page.locator('input[name="login"]');
  const proceed = page.getByRole("button", { name: "Continue" });
  await login.or(proceed).first().waitFor();
  if (await login.isVisible()) {
    await login.fill("ada");
    await page.locator('input[name="password"]').fill("any password");
    await page.getByRole("button", { name: "Sign-in" }).click();
  }
  await proceed.click();
  await page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/callback\?/);
  const text = (await page.textContent("body")) ?? "";
  await page.close();
  return text;
}

describe("the MCP server with node-oidc-provider as its authorization server", () => {
  it("names that issuer in its protected resource metadata and its 401 challenge", async () => {
    const origin = new URL(mcp.url).origin;
    const metadata = (await (
      await fetch(`${origin}/.well-known/oauth-protected-resource/mcp`)
    ).json()) as { resource: string; authorization_servers: string[] };
    expect(metadata.resource).toBe(mcp.url);
    expect(metadata.authorization_servers).toEqual([foreign.issuer]);

    const refused = await callTool("not-a-token", "analyze_sentiment", { text: "Profits rose." });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toContain(
      `resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp"`,
    );
  });

  it("the machine flow: the demo client takes a client-credentials token from it and calls a tool", async () => {
    const { code, stdout, stderr } = await runDemoClient(
      ["--client-credentials", "--server", mcp.url, "--client-id", MACHINE_CLIENT.id],
      { ISSUER: foreign.issuer, DEMO_BATCH_CLIENT_SECRET: MACHINE_CLIENT.secret },
    ).exited;
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(exchanges(stdout).slice(0, 5)).toEqual([
      "POST /mcp → 401",
      "GET /.well-known/oauth-protected-resource/mcp → 200",
      "GET /.well-known/oauth-authorization-server → 200",
      "POST /token → 200",
      "POST /mcp → 200",
    ]);
    // It grants no default scope: the client asks for the scope of the tool it calls.
    expect(stdout).toMatch(
      /grant_type: client_credentials\n(\s+\w+: .*\n)*\s+scope: mcp:tools:sentiment:read\n/,
    );
    expect(stdout).toContain(`authorization_servers: ${foreign.issuer}`);
    expect(stdout).toMatch(/get_ticker_sentiment: Quartexa/);
    expect(stdout).not.toContain(MACHINE_CLIENT.secret);
  });

  it("a person's flow: registration, sign-in and consent at its own pages, then tools on the person's behalf", async () => {
    const state = join(directory, "person.json");
    const context = await browser.newContext();
    const run = runDemoClient(["--no-browser", "--server", mcp.url, "--state-file", state]);
    expect(await consentAtForeignIssuer(run, context)).toContain("You can close this tab");
    const { code, stdout, stderr } = await run.exited;
    await context.close();
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(exchanges(stdout).slice(0, 6)).toEqual([
      "POST /mcp → 401",
      "GET /.well-known/oauth-protected-resource/mcp → 200",
      "GET /.well-known/oauth-authorization-server → 200",
      "POST /reg → 201",
      "POST /token → 200",
      "POST /mcp → 200",
    ]);
    // RFC 9207: node-oidc-provider sends `iss` with the code, and the client checks it.
    expect(stdout).toMatch(/iss: http:\/\/127\.0\.0\.1:\d+ — matches the issuer \(RFC 9207\)/);
    expect(stdout).toMatch(/get_ticker_sentiment: Quartexa/);

    // The token acts for the account that signed in there, not for the client.
    const stored = JSON.parse(readFileSync(state, "utf8"));
    const whoami = await callTool(stored.tokens.tokens.access_token, "whoami", {});
    expect(whoami.status).toBe(200);
    const { result } = (await whoami.json()) as {
      result: { structuredContent: { subject: string; actsForUser: boolean; clientId: string } };
    };
    expect(result.structuredContent).toMatchObject({
      subject: "ada",
      actsForUser: true,
      clientId: stored.client.client_id,
    });
  });

  it("enforces each tool's scope on its tokens: a read-only machine token cannot write a watchlist", async () => {
    const token = await clientCredentialsToken("mcp:tools:sentiment:read");
    const allowed = await callTool(token, "analyze_sentiment", { text: "Profits rose sharply." });
    expect(allowed.status).toBe(200);
    const refused = await callTool(token, "watchlist_add", { ticker: "VXLN" });
    expect(refused.status).toBe(403);
    const challenge = refused.headers.get("www-authenticate");
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toMatch(/scope="[^"]*mcp:data:watchlist:write/);
  });

  it("is configured as the recipe says: no token for a resource other than the MCP server (invalid_target)", async () => {
    const response = await requestMachineToken(
      "mcp:tools:sentiment:read",
      "https://other-resource.example/api",
    );
    // The operator's server knows only the MCP server as a resource and refuses to mint the token.
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe("invalid_target");
  });
});

/** The machine client on the SDK v2, signing DPoP proofs with its own key (RFC 9449). */
async function dpopMachineClient(): Promise<DpopClientCredentialsProvider> {
  return new DpopClientCredentialsProvider(await DpopSession.create(), {
    clientId: MACHINE_CLIENT.id,
    clientSecret: MACHINE_CLIENT.secret,
    scope: "mcp:tools:sentiment:read mcp:data:client-info:read",
    expectedIssuer: foreign.issuer,
  });
}

describe("DPoP-bound tokens from node-oidc-provider, with the MCP SDK v2 client (RFC 9449)", () => {
  it("the client proves its key at the token endpoint and at every MCP request; the server checks both", async () => {
    const provider = await dpopMachineClient();
    const client = new Client({ name: "dpop-e2e", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(mcp.url), { authProvider: provider }),
    );
    try {
      // RFC 9449 §6.1: the token names the client's key, so only that key's holder can use it.
      await expectBoundToItsKey(provider);
      const result = await client.callTool({
        name: "analyze_sentiment",
        arguments: { text: "Margins widened sharply." },
      });
      expect(result.isError).toBeFalsy();
    } finally {
      await client.close();
    }
  });

  it("refuses the DPoP-bound token when stolen: sent as a bearer token, or with the thief's own key", async () => {
    const provider = await dpopMachineClient();
    const client = new Client({ name: "dpop-e2e", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(mcp.url), { authProvider: provider }),
    );
    await client.close();
    const stolen = (await provider.tokens())?.access_token ?? "";

    const asBearer = await callTool(stolen, "whoami", {});
    expect(asBearer.status).toBe(401);
    expect(((await asBearer.json()) as { error: string }).error).toBe("invalid_token");

    const thief = await DpopSession.create();
    const withThiefsKey = await callTool(
      stolen,
      "whoami",
      {},
      {
        dpopProof: await thief.buildProof({ htm: "POST", htu: mcp.url, accessToken: stolen }),
      },
    );
    expect(withThiefsKey.status).toBe(401);
    expect(withThiefsKey.headers.get("www-authenticate")).toMatch(
      /DPoP algs="[^"]+", error="invalid_token"/,
    );
  });
});
