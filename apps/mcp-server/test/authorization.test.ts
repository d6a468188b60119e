// The MCP server as a protected resource (RS-2 … RS-9 in docs/spec-traceability.md): every refusal over real HTTP,
// each test named after the attack or mistake it stops. Tokens come from the real auth-server, or are
// signed with its real key where a test needs claims the auth-server would never issue.
import { extractWWWAuthenticateParams } from "@modelcontextprotocol/sdk/client/auth.js";
import { freeLoopbackPort } from "@repo/server-kit/free-port";
import { generateSigningKey, importSigningKey } from "@repo/tokens";
import { base64url, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listToolCalls } from "../src/store/tool-calls";
import { INITIAL_SCOPES } from "../src/tools/catalogue";
import {
  challengeParameters,
  INITIALIZE,
  json,
  MCP_POST_HEADERS,
  postMcp,
  request,
  toolCall,
} from "./support/json-rpc";
import {
  clientCredentialsToken,
  startTestMcpServer,
  type TestMcpServer,
  userToken,
  useTestStack,
} from "./support/test-stack";

const stack = useTestStack();

let readAll: string;
let newsOnly: string;

beforeAll(async () => {
  readAll = await clientCredentialsToken(stack);
  newsOnly = await clientCredentialsToken(stack, "mcp:data:news:read");
});

function metadataUrl(): string {
  return stack.mcp.url("/.well-known/oauth-protected-resource/mcp");
}

async function expectInvalidToken(response: Response, description: RegExp): Promise<void> {
  expect(response.status).toBe(401);
  const challenge = challengeParameters(response);
  expect(challenge).toMatchObject({
    error: "invalid_token",
    resource_metadata: metadataUrl(),
    scope: INITIAL_SCOPES.join(" "),
  });
  expect(challenge.error_description).toMatch(description);
  expect(response.headers.get("cache-control")).toBe("no-store");
}

describe("RS-2: a request without a valid token gets a 401 challenge", () => {
  it("answers a request without a token with 401 and a challenge the MCP SDK parses", async () => {
    const response = await postMcp(stack.mcp.resource, INITIALIZE);
    expect(response.status).toBe(401);
    // RFC 6750 §3.1: no error code, and no body to contradict the challenge.
    expect(await response.text()).toBe("");
    const { resourceMetadataUrl, scope, error } = extractWWWAuthenticateParams(response);
    expect(resourceMetadataUrl?.href).toBe(metadataUrl());
    expect(error).toBeUndefined();
    // What a new client should ask for first: the read-only tools on shared data.
    expect(scope?.split(" ").sort()).toEqual([
      "mcp:data:client-info:read",
      "mcp:data:news:read",
      "mcp:tools:climate",
      "mcp:tools:sentiment:read",
    ]);
  });

  it("never asks for offline_access in a challenge (RS-6)", async () => {
    const response = await postMcp(stack.mcp.resource, toolCall("watchlist_add", {}));
    expect(response.headers.get("www-authenticate")).not.toContain("offline_access");
  });

  it("rejects an expired token", async () => {
    const token = await userToken(stack, {
      subject: "user-expired",
      scopes: ["mcp:tools:sentiment:read"],
      now: new Date(Date.now() - 3_600_000),
      lifetimeSeconds: 600,
    });
    await expectInvalidToken(await postMcp(stack.mcp.resource, INITIALIZE, { token }), /expired/);
  });

  it("rejects a token minted for another resource (audience confusion, RFC 8707)", async () => {
    const token = await userToken(stack, {
      subject: "user-elsewhere",
      scopes: ["mcp:tools:sentiment:read"],
      audience: "https://other-resource.example/mcp",
    });
    await expectInvalidToken(
      await postMcp(stack.mcp.resource, INITIALIZE, { token }),
      /audience does not include this resource/,
    );
  });

  it("rejects a token minted for this server's URL with a trailing slash (string comparison)", async () => {
    const token = await userToken(stack, {
      subject: "user-slash",
      scopes: ["mcp:tools:sentiment:read"],
      audience: `${stack.mcp.resource}/`,
    });
    await expectInvalidToken(await postMcp(stack.mcp.resource, INITIALIZE, { token }), /audience/);
  });

  it("rejects a token signed with the right key but naming another issuer", async () => {
    const token = await userToken(stack, {
      subject: "user-other-issuer",
      scopes: ["mcp:tools:sentiment:read"],
      issuer: "https://rogue-issuer.example",
    });
    await expectInvalidToken(
      await postMcp(stack.mcp.resource, INITIALIZE, { token }),
      /not issued by the expected authorization server/,
    );
  });

  it("rejects a real token whose payload was edited to add scopes (forged signature)", async () => {
    const [header = "", payload = "", signature = ""] = readAll.split(".");
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload)));
    claims.scope = `${claims.scope} mcp:data:watchlist:write`;
    const forged = `${header}.${base64url.encode(JSON.stringify(claims))}.${signature}`;
    await expectInvalidToken(
      await postMcp(stack.mcp.resource, INITIALIZE, { token: forged }),
      /signature is invalid/,
    );
  });

  it("rejects a token signed by an attacker's key that claims the real key's kid", async () => {
    const attacker = await importSigningKey((await generateSigningKey()).privateJwk);
    const realKid = stack.auth.instance.server.keys.signingKey().kid;
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({
      iss: stack.auth.issuer,
      sub: "victim",
      aud: stack.mcp.resource,
      client_id: "attacker",
      scope: "mcp:data:watchlist:read",
      jti: "forged-1",
      iat: now,
      exp: now + 600,
    })
      .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: realKid })
      .sign(attacker.privateKey);
    await expectInvalidToken(
      await postMcp(stack.mcp.resource, INITIALIZE, { token }),
      /signature is invalid/,
    );
  });

  it("rejects an unsigned token (alg none)", async () => {
    const encode = (value: object) => base64url.encode(JSON.stringify(value));
    const now = Math.floor(Date.now() / 1000);
    const token = `${encode({ alg: "none", typ: "at+jwt", kid: "k" })}.${encode({
      iss: stack.auth.issuer,
      sub: "victim",
      aud: stack.mcp.resource,
      client_id: "attacker",
      scope: "mcp:data:watchlist:read",
      jti: "unsigned-1",
      iat: now,
      exp: now + 600,
    })}.`;
    await expectInvalidToken(
      await postMcp(stack.mcp.resource, INITIALIZE, { token }),
      /not signed with ES256/,
    );
  });

  it("rejects a JWT that is not an access token (typ confusion, RFC 9068 §4)", async () => {
    const key = stack.auth.instance.server.keys.signingKey();
    const now = Math.floor(Date.now() / 1000);
    const idToken = await new SignJWT({
      iss: stack.auth.issuer,
      sub: "user-id-token",
      aud: stack.mcp.resource,
      client_id: "test-web-client",
      scope: "mcp:tools:sentiment:read",
      jti: "id-token-1",
      iat: now,
      exp: now + 600,
    })
      .setProtectedHeader({ alg: "ES256", typ: "JWT", kid: key.kid })
      .sign(key.privateKey);
    await expectInvalidToken(
      await postMcp(stack.mcp.resource, INITIALIZE, { token: idToken }),
      /typ must be at\+jwt/,
    );
  });
});

describe("RS-3 and RS-7: every request on every method is checked for its own token", () => {
  it("requires a token on GET and DELETE, not only on POST", async () => {
    for (const method of ["GET", "DELETE"]) {
      const response = await fetch(stack.mcp.resource, {
        method,
        headers: { Accept: "text/event-stream" },
      });
      expect(response.status, method).toBe(401);
      expect(extractWWWAuthenticateParams(response).resourceMetadataUrl?.href).toBe(metadataUrl());
    }
  });

  it("answers GET and DELETE with 405 once authenticated: a stateless server has no stream or session", async () => {
    for (const method of ["GET", "DELETE"]) {
      const response = await fetch(stack.mcp.resource, {
        method,
        headers: { Accept: "text/event-stream", Authorization: `Bearer ${readAll}` },
      });
      expect(response.status, method).toBe(405);
      expect(response.headers.get("allow")).toBe("POST");
    }
  });

  it("does not accept a session id in place of a token (no session-based authentication)", async () => {
    const initialized = await postMcp(stack.mcp.resource, INITIALIZE, { token: readAll });
    expect(initialized.status).toBe(200);
    expect(initialized.headers.get("mcp-session-id")).toBeNull();
    const response = await postMcp(stack.mcp.resource, request("tools/list"), {
      headers: { "Mcp-Session-Id": "any-session", "MCP-Protocol-Version": "2025-11-25" },
    });
    expect(response.status).toBe(401);
  });
});

describe("RS-5: a token without the scope a tool needs gets a 403 that drives step-up", () => {
  it("refuses a tool call without its scope with 403 naming that scope", async () => {
    const response = await postMcp(
      stack.mcp.resource,
      toolCall("analyze_sentiment", { text: "x" }),
      {
        token: newsOnly,
      },
    );
    expect(response.status).toBe(403);
    const challenge = challengeParameters(response);
    expect(challenge).toMatchObject({
      error: "insufficient_scope",
      resource_metadata: metadataUrl(),
    });
    // The tool's scope, and the one the token already holds, so re-authorizing with exactly this set
    // (what the SDK does) does not trade the old permission for the new one.
    expect(challenge.scope?.split(" ").sort()).toEqual([
      "mcp:data:news:read",
      "mcp:tools:sentiment:read",
    ]);
    const parsed = extractWWWAuthenticateParams(response);
    expect(parsed.error).toBe("insufficient_scope");
    expect(parsed.scope?.split(" ")).toContain("mcp:tools:sentiment:read");
    expect(await json(response)).toMatchObject({ error: "insufficient_scope" });
  });

  it("lets the same token list tools and call the tools its scopes cover", async () => {
    const listed = await postMcp(stack.mcp.resource, request("tools/list"), { token: newsOnly });
    expect(listed.status).toBe(200);
    const called = await postMcp(stack.mcp.resource, toolCall("list_news", { limit: 1 }), {
      token: newsOnly,
    });
    expect(called.status).toBe(200);
    expect((await json(called)).result.isError).toBeUndefined();
  });

  it("refuses a batch that slips a tool call without its scope between allowed ones", async () => {
    const batch = [
      toolCall("list_news", { limit: 1 }),
      toolCall("climate_risk_sentiment", {}),
      toolCall("list_news", { limit: 2 }),
    ];
    const response = await postMcp(stack.mcp.resource, batch, { token: newsOnly });
    expect(response.status).toBe(403);
    // Every scope the batch needs, so one step-up covers it; the description names the missing one.
    const challenge = challengeParameters(response);
    expect(challenge.scope?.split(" ").sort()).toEqual(["mcp:data:news:read", "mcp:tools:climate"]);
    expect(challenge.error_description).toMatch(/lacks .*: mcp:tools:climate$/);
    // Nothing in the batch ran: each call is audited as refused.
    const audited = await stack.mcp.instance.server.store.run((x) => listToolCalls(x, 3));
    expect(audited.map((row) => [row.tool, row.outcome])).toEqual([
      ["list_news", "denied"],
      ["climate_risk_sentiment", "denied"],
      ["list_news", "denied"],
    ]);
  });

  it("refuses a person's tool for a machine client at the HTTP layer when it lacks the scope", async () => {
    const response = await postMcp(stack.mcp.resource, toolCall("watchlist_list"), {
      token: readAll,
    });
    expect(response.status).toBe(403);
    expect(challengeParameters(response).scope?.split(" ")).toContain("mcp:data:watchlist:read");
  });

  it("refuses a person's tool for a client-credentials token even when it carries the scope", async () => {
    // Shaped like the auth-server's client credentials grant: the subject is the client itself.
    const token = await userToken(stack, {
      subject: "batch-with-watchlist",
      clientId: "batch-with-watchlist",
      scopes: ["mcp:data:watchlist:read", "mcp:operations:automation:digest"],
    });
    for (const call of [
      toolCall("watchlist_list"),
      toolCall("schedule_digest", { cadence: "daily" }),
    ]) {
      const response = await postMcp(stack.mcp.resource, call, { token });
      expect(response.status).toBe(200);
      const { result } = await json(response);
      expect(result.isError).toBe(true);
      expect(result.content[0].text).toMatch(/needs an access token issued to a user/);
    }
  });
});

describe("scopes the catalogue does not know grant nothing (defence in depth)", () => {
  // The auth-server never issues these; a token carrying one is a bug or a key compromise elsewhere,
  // and a wildcard the catalogue does not define must not open every tool under it.
  it.each([
    ["mcp:*", "analyze_sentiment", { text: "Shares soared" }, "mcp:tools:sentiment:read"],
    ["mcp:*", "whoami", {}, "mcp:data:client-info:read"],
    [
      "mcp:operations:*",
      "schedule_digest",
      { cadence: "daily", tickers: ["HLVR"] },
      "mcp:operations:automation:digest",
    ],
  ])(
    "refuses a token carrying only the unknown wildcard %s at the HTTP layer: %s gets 403",
    async (wildcard, tool, args, toolScope) => {
      const token = await userToken(stack, {
        subject: "user-with-unknown-wildcard",
        scopes: [wildcard],
      });
      const response = await postMcp(stack.mcp.resource, toolCall(tool, args), { token });
      expect(response.status).toBe(403);
      const challenge = challengeParameters(response);
      expect(challenge.error).toBe("insufficient_scope");
      // The challenge names the tool's scope, and never echoes the unknown one for a client to request.
      expect(challenge.scope?.split(" ")).toEqual([toolScope]);
      const [row] = await stack.mcp.instance.server.store.run((x) => listToolCalls(x, 1));
      // The audit keeps the scope the token carried: that is what an investigation needs to see.
      expect(row).toMatchObject({ tool, outcome: "denied", scopes: wildcard });
    },
  );

  it("still honours the catalogue's own wildcard beside an unknown one", async () => {
    const token = await userToken(stack, {
      subject: "user-with-both-wildcards",
      scopes: ["mcp:*", "mcp:operations:automation:*"],
    });
    const response = await postMcp(
      stack.mcp.resource,
      toolCall("schedule_digest", { cadence: "weekly", tickers: ["HLVR"] }),
      { token },
    );
    expect(response.status).toBe(200);
    expect((await json(response)).result.isError).toBeUndefined();
    const refused = await postMcp(stack.mcp.resource, toolCall("list_news", {}), { token });
    expect(refused.status).toBe(403);
  });
});

describe("RS-8: Origin and protocol version", () => {
  it("refuses a browser request from a foreign Origin before anything else (DNS rebinding)", async () => {
    for (const token of [undefined, readAll]) {
      const response = await postMcp(stack.mcp.resource, INITIALIZE, {
        token,
        headers: { Origin: "https://attacker.example" },
      });
      expect(response.status).toBe(403);
      expect(response.headers.get("www-authenticate")).toBeNull();
      expect((await json(response)).error.message).toMatch(/Origin/);
    }
  });

  it("refuses the opaque null Origin of a sandboxed page", async () => {
    const response = await postMcp(stack.mcp.resource, INITIALIZE, {
      token: readAll,
      headers: { Origin: "null" },
    });
    expect(response.status).toBe(403);
  });

  it("refuses a foreign origin's CORS preflight", async () => {
    const response = await fetch(stack.mcp.resource, {
      method: "OPTIONS",
      headers: { Origin: "https://attacker.example", "Access-Control-Request-Method": "POST" },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("refuses an unsupported MCP-Protocol-Version with 400", async () => {
    const response = await postMcp(stack.mcp.resource, request("tools/list"), {
      token: readAll,
      headers: { "MCP-Protocol-Version": "1999-01-01" },
    });
    expect(response.status).toBe(400);
    expect((await json(response)).error.message).toMatch(/Unsupported protocol version/);
  });
});

describe("RS-9: CORS for browser-based MCP clients on an allowed origin", () => {
  const inspector = "http://localhost:6274";

  it("answers the preflight with the headers an MCP client sends", async () => {
    const response = await fetch(stack.mcp.resource, {
      method: "OPTIONS",
      headers: {
        Origin: inspector,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type, mcp-protocol-version",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(inspector);
    const allowed = (response.headers.get("access-control-allow-headers") ?? "").toLowerCase();
    for (const header of [
      "authorization",
      "content-type",
      "mcp-session-id",
      "mcp-protocol-version",
      "last-event-id",
    ]) {
      expect(allowed).toContain(header);
    }
  });

  it("lets the browser read the challenge of a 401", async () => {
    const response = await postMcp(stack.mcp.resource, INITIALIZE, {
      headers: { Origin: inspector },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("access-control-allow-origin")).toBe(inspector);
    const exposed = (response.headers.get("access-control-expose-headers") ?? "").toLowerCase();
    expect(exposed).toContain("www-authenticate");
    expect(exposed).toContain("mcp-session-id");
  });
});

describe("tokens only in the Authorization header (OAuth 2.1 §5.2)", () => {
  it("refuses a token in the query string, where logs and Referer headers would keep it", async () => {
    const response = await postMcp(
      `${stack.mcp.resource}?access_token=${encodeURIComponent(readAll)}`,
      INITIALIZE,
    );
    expect(response.status).toBe(400);
    expect(challengeParameters(response).error).toBe("invalid_request");
  });

  it("refuses a token in a form body", async () => {
    const response = await postMcp(stack.mcp.resource, undefined, {
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      rawBody: new URLSearchParams({ access_token: readAll }).toString(),
    });
    expect(response.status).toBe(400);
    expect(challengeParameters(response).error).toBe("invalid_request");
  });
});

describe("bad input is a 4xx with a JSON-RPC error, never a 5xx", () => {
  it("checks the token before it looks at a malformed body", async () => {
    const response = await postMcp(stack.mcp.resource, undefined, { rawBody: "{not json" });
    expect(response.status).toBe(401);
  });

  it("answers malformed JSON with a JSON-RPC parse error and 400", async () => {
    const response = await postMcp(stack.mcp.resource, undefined, {
      token: readAll,
      rawBody: "{not json",
    });
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({
      jsonrpc: "2.0",
      error: { code: -32700 },
      id: null,
    });
  });

  it("answers JSON that is not JSON-RPC with 400", async () => {
    const response = await postMcp(stack.mcp.resource, { hello: "world" }, { token: readAll });
    expect(response.status).toBe(400);
    expect((await json(response)).error.code).toBe(-32700);
  });

  it("answers a body over the size limit with 413", async () => {
    const response = await postMcp(
      stack.mcp.resource,
      toolCall("analyze_sentiment", { text: "x".repeat(300 * 1024) }),
      { token: readAll },
    );
    expect(response.status).toBe(413);
    expect((await json(response)).jsonrpc).toBe("2.0");
  });

  it("answers a wrong media type with 415 and a missing Accept with 406", async () => {
    const wrongType = await postMcp(stack.mcp.resource, INITIALIZE, {
      token: readAll,
      headers: { "Content-Type": "text/plain" },
    });
    expect(wrongType.status).toBe(415);
    const noAccept = await fetch(stack.mcp.resource, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${readAll}` },
      body: JSON.stringify(INITIALIZE),
    });
    expect(noAccept.status).toBe(406);
  });
});

describe("verification failures that are not the token's fault", () => {
  let unreachable: TestMcpServer;

  beforeAll(async () => {
    const closedPort = await freeLoopbackPort();
    unreachable = await startTestMcpServer(async () => ({
      ISSUER: stack.auth.issuer,
      JWKS_URL: `http://127.0.0.1:${closedPort}/.well-known/jwks.json`,
    }));
  });

  afterAll(async () => {
    await unreachable?.close();
  });

  it("answers 503, not 401, when the issuer's JWKS is unreachable, so clients keep good tokens", async () => {
    const token = await userToken(stack, {
      subject: "user-during-outage",
      scopes: ["mcp:tools:sentiment:read"],
      audience: unreachable.resource,
    });
    const response = await postMcp(unreachable.resource, INITIALIZE, { token });
    expect(response.status).toBe(503);
    expect(response.headers.get("www-authenticate")).toBeNull();
    expect((await json(response)).error).toBe("temporarily_unavailable");
    expect(unreachable.serverErrors).toEqual([]);
  });
});

describe("the audit log", () => {
  it("records refused tool calls with who was refused and why", async () => {
    await postMcp(stack.mcp.resource, toolCall("compare_tickers", {}), { token: newsOnly });
    await postMcp(stack.mcp.resource, toolCall("compare_tickers", {}));
    const [anonymous, refused] = await stack.mcp.instance.server.store.run((x) =>
      listToolCalls(x, 2),
    );
    expect(refused).toMatchObject({
      tool: "compare_tickers",
      outcome: "denied",
      subject: "demo-batch",
      clientId: "demo-batch",
      scopes: "mcp:data:news:read",
    });
    expect(refused?.error).toMatch(/insufficient_scope/);
    expect(anonymous).toMatchObject({
      tool: "compare_tickers",
      outcome: "denied",
      subject: null,
      clientId: null,
    });
  });

  it("records allowed calls, failed calls and calls a tool refused, with their duration", async () => {
    const person = await userToken(stack, {
      subject: "user-audited",
      clientId: "audited-client",
      scopes: ["mcp:tools:sentiment:read", "mcp:data:watchlist:read"],
    });
    const machineWithWatchlistScope = await userToken(stack, {
      subject: "audited-machine",
      clientId: "audited-machine",
      scopes: ["mcp:data:watchlist:read"],
    });
    await postMcp(stack.mcp.resource, toolCall("analyze_sentiment", { text: "Shares soared" }), {
      token: person,
    });
    await postMcp(stack.mcp.resource, toolCall("get_ticker_sentiment", { ticker: "NOPE" }), {
      token: person,
    });
    await postMcp(stack.mcp.resource, toolCall("watchlist_list"), {
      token: machineWithWatchlistScope,
    });
    const [deniedInTool, failed, succeeded] = await stack.mcp.instance.server.store.run((x) =>
      listToolCalls(x, 3),
    );
    expect(succeeded).toMatchObject({
      tool: "analyze_sentiment",
      outcome: "success",
      subject: "user-audited",
      clientId: "audited-client",
      error: null,
    });
    expect(succeeded?.durationMs).toBeGreaterThanOrEqual(0);
    expect(failed).toMatchObject({ tool: "get_ticker_sentiment", outcome: "error" });
    expect(failed?.error).toMatch(/Unknown ticker NOPE/);
    expect(deniedInTool).toMatchObject({
      tool: "watchlist_list",
      outcome: "denied",
      subject: "audited-machine",
    });
  });
});

describe("the audit log under a flood", () => {
  it("records a batch refused for its token once, not once per call", async () => {
    const before = (await stack.mcp.instance.server.store.run((x) => listToolCalls(x, 1000)))
      .length;
    const batch = Array.from({ length: 50 }, () => toolCall("whoami"));
    const response = await postMcp(stack.mcp.resource, batch, { token: "forged.token.value" });
    expect(response.status).toBe(401);
    const rows = await stack.mcp.instance.server.store.run((x) => listToolCalls(x, 1000));
    expect(rows.length - before).toBe(1);
    expect(rows[0]?.error).toMatch(/and 49 more tool calls/);
  });

  it("refuses a batch over the SDK's size limit before weighing its calls", async () => {
    const batch = Array.from({ length: 101 }, () => toolCall("whoami"));
    const response = await postMcp(stack.mcp.resource, batch, { token: readAll });
    expect(response.status).toBe(400);
    expect((await json(response)).error.code).toBe(-32600);
  });
});

describe("the audit log of calls the SDK refused", () => {
  it("records a tool call the transport refused before delivering it", async () => {
    const response = await postMcp(stack.mcp.resource, toolCall("whoami"), {
      token: readAll,
      headers: { "MCP-Protocol-Version": "1999-01-01" },
    });
    expect(response.status).toBe(400);
    const [row] = await stack.mcp.instance.server.store.run((x) => listToolCalls(x, 1));
    expect(row).toMatchObject({ tool: "whoami", outcome: "error", subject: "demo-batch" });
    expect(row?.error).toMatch(/HTTP 400/);
  });

  it("records a tool call the SDK refused for its arguments", async () => {
    await postMcp(stack.mcp.resource, toolCall("analyze_sentiment", { text: 42 }), {
      token: readAll,
    });
    const [row] = await stack.mcp.instance.server.store.run((x) => listToolCalls(x, 1));
    expect(row).toMatchObject({ tool: "analyze_sentiment", outcome: "error" });
    expect(row?.error).toMatch(/Input validation error/);
  });
});

describe("a client that is not the SDK", () => {
  it("is served when it sends a valid token and the transport's headers", async () => {
    const response = await fetch(stack.mcp.resource, {
      method: "POST",
      headers: { ...MCP_POST_HEADERS, Authorization: `Bearer ${readAll}` },
      body: JSON.stringify(INITIALIZE),
    });
    expect(response.status).toBe(200);
    expect((await json(response)).result.serverInfo.name).toBe("financial-sentiment");
  });
});
