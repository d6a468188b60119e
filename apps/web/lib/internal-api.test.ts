// The internal API client against a real HTTP server on loopback that answers as docs/internal-api.md says.
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createInternalApiClient, InternalApiError } from "./internal-api";

interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

type Handler = (request: RecordedRequest, response: ServerResponse) => void;

let baseUrl = "";
let requests: RecordedRequest[] = [];
let handler: Handler = () => {};
let issuedTokens = 0;

const server = createServer(async (incoming: IncomingMessage, response: ServerResponse) => {
  let body = "";
  for await (const chunk of incoming) body += chunk;
  const request: RecordedRequest = {
    method: incoming.method ?? "",
    path: incoming.url ?? "",
    authorization: incoming.headers.authorization,
    headers: incoming.headers,
    body,
  };
  requests.push(request);
  if (request.path === "/token") {
    issuedTokens += 1;
    return sendJson(response, 200, {
      access_token: `token-${issuedTokens}`,
      token_type: "Bearer",
      expires_in: 600,
    });
  }
  handler(request, response);
});

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, { "Content-Type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

const INTERACTION = {
  id: "abc123",
  expiresAt: "2026-11-26T10:40:00.000Z",
  client: {
    clientId: "client-1",
    name: "<img src=x onerror=alert(1)>",
    uri: null,
    logoUri: null,
    registrationType: "dynamic",
    verified: false,
  },
  redirectUri: "http://localhost:53682/callback",
  redirectHost: "localhost",
  loopbackRedirect: true,
  resource: { identifier: "http://localhost:4100/mcp", name: "Financial sentiment MCP server" },
  scopes: [
    {
      name: "mcp:tools:sentiment:read",
      title: "Sentiment analysis",
      description: "…",
      risk: "low",
    },
  ],
  previouslyApproved: true,
  consentRemembered: false,
};

/** A browser's binding for an interaction, as the consent page derives it (43 base64url characters). */
const BINDING = "b".repeat(43);
/** The consent page shown signed out, and signed in. */
const VIEW = { browserBinding: BINDING };
const SIGNED_IN = { browserBinding: BINDING, actingUser: { userId: "user-1", sessionEpoch: 2 } };

let clock = 0;
function client() {
  return createInternalApiClient({
    issuer: "http://localhost:4000",
    internalUrl: baseUrl,
    clientId: "web",
    clientSecret: "web client+secret",
    now: () => clock,
  });
}

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  requests = [];
  issuedTokens = 0;
  clock = 0;
});

describe("internal API client", () => {
  it("gets a client-credentials token for the internal resource with client_secret_basic", async () => {
    handler = (_, response) => sendJson(response, 200, INTERACTION);
    await client().interaction("abc123", VIEW);
    const [tokenRequest, apiRequest] = requests;
    expect(tokenRequest?.method).toBe("POST");
    expect(Object.fromEntries(new URLSearchParams(tokenRequest?.body))).toEqual({
      grant_type: "client_credentials",
      resource: "http://localhost:4000/internal",
      scope: "internal:interactions",
    });
    // RFC 6749 §2.3.1: the secret is form-encoded before base64 ("+" for space, "%2B" for "+").
    expect(tokenRequest?.authorization).toBe(
      `Basic ${Buffer.from("web:web+client%2Bsecret").toString("base64")}`,
    );
    expect(apiRequest).toMatchObject({
      method: "GET",
      path: "/internal/interactions/abc123",
      authorization: "Bearer token-1",
    });
  });

  it("sends the browser request's X-Request-Id on, with the token request and the API call", async () => {
    handler = (_, response) => sendJson(response, 200, INTERACTION);
    const api = createInternalApiClient({
      issuer: "http://localhost:4000",
      internalUrl: baseUrl,
      clientId: "web",
      clientSecret: "web client+secret",
      requestId: async () => "4f1c2a9be3d94c0f8a7b6c5d4e3f2a1b",
    });
    await api.interaction("abc123", VIEW);
    expect(requests.map((request) => request.headers["x-request-id"])).toEqual([
      "4f1c2a9be3d94c0f8a7b6c5d4e3f2a1b",
      "4f1c2a9be3d94c0f8a7b6c5d4e3f2a1b",
    ]);
  });

  it("log injection: sends no X-Request-Id that is not an id (quotes, spaces, 10 kB)", async () => {
    handler = (_, response) => sendJson(response, 200, INTERACTION);
    for (const forged of ['abc" level="fatal', "x".repeat(10 * 1024), undefined]) {
      requests = [];
      const api = createInternalApiClient({
        issuer: "http://localhost:4000",
        internalUrl: baseUrl,
        clientId: "web",
        clientSecret: "web client+secret",
        requestId: async () => forged,
      });
      await api.interaction("abc123", VIEW);
      expect(requests.map((request) => request.headers["x-request-id"])).toEqual([
        undefined,
        undefined,
      ]);
    }
  });

  it("reuses the token until shortly before it expires", async () => {
    handler = (_, response) => sendJson(response, 200, INTERACTION);
    const api = client();
    await api.interaction("abc123", VIEW);
    clock = 500_000;
    await api.interaction("abc123", VIEW);
    clock = 580_000;
    await api.interaction("abc123", VIEW);
    expect(requests.map((request) => request.authorization?.split(" ")[0])).toEqual([
      "Basic",
      "Bearer",
      "Bearer",
      "Basic",
      "Bearer",
    ]);
  });

  it("shares one token request between concurrent calls", async () => {
    handler = (_, response) => sendJson(response, 200, INTERACTION);
    const api = client();
    await Promise.all([api.interaction("abc123", VIEW), api.interaction("abc123", VIEW)]);
    expect(requests.filter((request) => request.path === "/token")).toHaveLength(1);
  });

  it("retries once with a fresh token when the API rejects the token", async () => {
    handler = (request, response) =>
      request.authorization === "Bearer token-1"
        ? sendJson(response, 401, { error: "invalid_token" }, { "WWW-Authenticate": "Bearer" })
        : sendJson(response, 200, INTERACTION);
    const result = await client().interaction("abc123", SIGNED_IN);
    expect(result).toEqual({ status: "found", interaction: INTERACTION });
    expect(requests.map((request) => request.path)).toEqual([
      "/token",
      "/internal/interactions/abc123",
      "/token",
      "/internal/interactions/abc123",
    ]);
  });

  it("gives up after the second rejected token instead of looping", async () => {
    handler = (_, response) =>
      sendJson(response, 401, { error: "invalid_token" }, { "WWW-Authenticate": "Bearer" });
    await expect(client().interaction("abc123", VIEW)).rejects.toBeInstanceOf(InternalApiError);
    expect(requests).toHaveLength(4);
  });

  it("maps login answers to typed results", async () => {
    const api = client();
    handler = (request, response) => {
      const { password } = JSON.parse(request.body) as { password: string };
      if (password === "right") {
        return sendJson(response, 200, {
          user: {
            id: "u1",
            email: "demo@example.com",
            name: "Demo",
            isAdmin: true,
            sessionEpoch: 4,
          },
        });
      }
      if (password === "wrong") return sendJson(response, 401, { error: "invalid_credentials" });
      return sendJson(response, 429, { error: "too_many_attempts" }, { "Retry-After": "300" });
    };
    expect(await api.login({ email: "demo@example.com", password: "right" })).toEqual({
      status: "signed-in",
      user: { id: "u1", email: "demo@example.com", name: "Demo", isAdmin: true, sessionEpoch: 4 },
    });
    // A password refused is a 401 without a Bearer challenge: no token retry.
    expect(await api.login({ email: "demo@example.com", password: "wrong" })).toEqual({
      status: "invalid-credentials",
    });
    expect(
      await api.login({ email: "demo@example.com", password: "again", clientAddress: "127.0.0.1" }),
    ).toEqual({ status: "too-many-attempts", retryAfterSeconds: 300 });
    const logins = requests.filter((request) => request.path === "/internal/login");
    expect(logins).toHaveLength(3);
    expect(JSON.parse(logins[2]?.body ?? "")).toEqual({
      email: "demo@example.com",
      password: "again",
      clientAddress: "127.0.0.1",
    });
  });

  it("keeps a previous approval apart from a consent that may skip the screen", async () => {
    const remembered = {
      ...INTERACTION,
      redirectUri: "https://desk.example/callback",
      redirectHost: "desk.example",
      loopbackRedirect: false,
      consentRemembered: true,
    };
    const api = client();
    handler = (request, response) =>
      sendJson(
        response,
        200,
        request.path.startsWith("/internal/interactions/https") ? remembered : INTERACTION,
      );
    const loopback = await api.interaction("abc123", SIGNED_IN);
    expect(loopback.status === "found" && loopback.interaction).toMatchObject({
      previouslyApproved: true,
      consentRemembered: false,
    });
    const https = await api.interaction("https-1", SIGNED_IN);
    expect(https.status === "found" && https.interaction).toMatchObject({
      previouslyApproved: true,
      consentRemembered: true,
    });
  });

  it("refuses an interaction that does not say whether the user approved it before", async () => {
    const { previouslyApproved: _, ...withoutPreviousApproval } = INTERACTION;
    handler = (_, response) => sendJson(response, 200, withoutPreviousApproval);
    await expect(client().interaction("abc123", SIGNED_IN)).rejects.toThrowError(
      /does not match the contract/,
    );
  });

  it("maps 404 and 410 to unknown and expired interactions", async () => {
    const api = client();
    handler = (request, response) =>
      request.path.startsWith("/internal/interactions/gone")
        ? sendJson(response, 410, { error: "interaction_expired" })
        : sendJson(response, 404, { error: "unknown_interaction" });
    expect(await api.interaction("nope", VIEW)).toEqual({ status: "unknown" });
    expect(await api.interaction("gone", VIEW)).toEqual({ status: "expired" });
    expect(await api.decideConsent("nope", SIGNED_IN, "allow")).toEqual({ status: "unknown" });
    expect(await api.decideConsent("gone", SIGNED_IN, "deny")).toEqual({ status: "expired" });
  });

  it("reports a signed-in user the auth-server no longer accepts", async () => {
    handler = (_, response) =>
      sendJson(response, 403, {
        error: "forbidden",
        error_description: "the acting user may not do this: unknown or disabled user",
      });
    expect(await client().interaction("abc123", SIGNED_IN)).toEqual({
      status: "user-refused",
    });
  });

  it("never puts an id that could change the URL path on the wire", async () => {
    handler = (_, response) => sendJson(response, 200, INTERACTION);
    const api = client();
    for (const id of ["..", "../login", "a/b", "a?b", "", "x".repeat(129)]) {
      expect(await api.interaction(id, VIEW)).toEqual({ status: "unknown" });
    }
    expect(requests).toEqual([]);
  });

  it("returns the consent redirect exactly as the auth-server built it", async () => {
    const redirectTo =
      "http://localhost:53682/callback?code=c&state=s&iss=http%3A%2F%2Flocalhost%3A4000";
    handler = (_, response) => sendJson(response, 200, { redirectTo });
    expect(await client().decideConsent("abc123", SIGNED_IN, "allow")).toEqual({
      status: "redirect",
      redirectTo,
    });
    expect(JSON.parse(requests[1]?.body ?? "")).toEqual({ decision: "allow" });
  });

  it("sends the acting user, the session epoch and the browser binding with each consent call", async () => {
    const api = client();
    handler = (request, response) =>
      request.method === "GET"
        ? sendJson(response, 200, INTERACTION)
        : sendJson(response, 200, { redirectTo: "https://desk.example/callback?code=c" });
    await api.interaction("abc123", VIEW);
    await api.interaction("abc123", SIGNED_IN);
    await api.decideConsent("abc123", SIGNED_IN, "allow");
    const calls = requests.filter((request) => request.path.startsWith("/internal/"));
    expect(calls.map(({ headers }) => headers["browser-binding"])).toEqual([
      BINDING,
      BINDING,
      BINDING,
    ]);
    // Signed out, the page names nobody; signed in, the person and the epoch of their session.
    expect(calls.map(({ headers }) => headers["acting-user"])).toEqual([
      undefined,
      "user-1",
      "user-1",
    ]);
    expect(calls.map(({ headers }) => headers["acting-user-session-epoch"])).toEqual([
      undefined,
      "2",
      "2",
    ]);
  });

  it("maps an ended session and another browser's consent page to their own results, without a token retry", async () => {
    const api = client();
    handler = (request, response) =>
      request.headers["acting-user-session-epoch"] === "2"
        ? sendJson(response, 401, { error: "session_ended", error_description: "sign in again" })
        : sendJson(response, 403, { error: "wrong_browser" });
    expect(await api.interaction("abc123", SIGNED_IN)).toEqual({ status: "session-ended" });
    expect(await api.decideConsent("abc123", SIGNED_IN, "allow")).toEqual({
      status: "session-ended",
    });
    expect(await api.interaction("abc123", VIEW)).toEqual({ status: "wrong-browser" });
    const otherSession = { ...SIGNED_IN, actingUser: { userId: "user-1", sessionEpoch: 3 } };
    expect(await api.decideConsent("abc123", otherSession, "allow")).toEqual({
      status: "wrong-browser",
    });
    // A 401 without a Bearer challenge is about the person, not the web app's token.
    expect(requests.filter((request) => request.path === "/token")).toHaveLength(1);
  });

  it("maps a refused user to a rejected consent", async () => {
    handler = (_, response) =>
      sendJson(response, 403, { error: "forbidden", error_description: "unknown user" });
    expect(await client().decideConsent("abc123", SIGNED_IN, "allow")).toEqual({
      status: "rejected",
      description: "unknown user",
    });
  });

  it("throws on answers outside the contract: 5xx, malformed bodies, an unreachable server", async () => {
    handler = (_, response) => sendJson(response, 500, { error: "server_error" });
    await expect(client().interaction("abc123", VIEW)).rejects.toThrowError(/500/);
    handler = (_, response) => sendJson(response, 200, { ...INTERACTION, scopes: "all" });
    await expect(client().interaction("abc123", VIEW)).rejects.toBeInstanceOf(InternalApiError);
    const unreachable = createInternalApiClient({
      issuer: "http://localhost:4000",
      internalUrl: "http://127.0.0.1:1",
      clientId: "web",
      clientSecret: "secret",
    });
    await expect(unreachable.interaction("abc123", VIEW)).rejects.toThrowError(
      /could not be reached/,
    );
  });
});
