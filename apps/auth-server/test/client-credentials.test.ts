// The machine-to-machine half, end to end over real HTTP: client credentials → verify → introspect → revoke.
import { createRemoteKeySet, verifyAccessToken } from "@repo/tokens";
import { decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { listAuditEvents } from "../src/store/audit";
import { WEB_CLIENT } from "./support/authorization";
import {
  basicAuthorization,
  DEMO_BATCH,
  form,
  json,
  MCP_RESOURCE,
  registerClient,
  requestClientCredentialsToken,
  useTestAuthServer,
} from "./support/test-server";

const server = useTestAuthServer();

/** As the web app: a client an administrator allowed to introspect (RFC 7662 §4, see introspect.test.ts). */
function introspect(
  token: string,
  credentials: { clientId: string; clientSecret: string } = WEB_CLIENT,
) {
  const request = form({ token });
  return fetch(server.url("/introspect"), {
    method: "POST",
    headers: {
      ...request.headers,
      Authorization: basicAuthorization(credentials.clientId, credentials.clientSecret),
    },
    body: request.body,
  });
}

function revoke(token: string, credentials = DEMO_BATCH) {
  const request = form({ token, token_type_hint: "access_token" });
  return fetch(server.url("/revoke"), {
    method: "POST",
    headers: {
      ...request.headers,
      Authorization: basicAuthorization(credentials.clientId, credentials.clientSecret),
    },
    body: request.body,
  });
}

describe("client credentials → verify → introspect → revoke", () => {
  it("walks the whole lifecycle of a demo-batch token for the MCP server", async () => {
    const response = await requestClientCredentialsToken(server);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const body = await json(response);
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 600, resource: MCP_RESOURCE });
    expect(body).not.toHaveProperty("refresh_token");

    // A resource server's view: verify against the JWKS the auth-server serves.
    const claims = await verifyAccessToken(body.access_token, {
      issuer: server.issuer,
      audience: MCP_RESOURCE,
      keys: createRemoteKeySet(server.url("/.well-known/jwks.json")),
    });
    expect(claims).toMatchObject({
      iss: server.issuer,
      aud: MCP_RESOURCE,
      sub: "demo-batch",
      client_id: "demo-batch",
      scope: body.scope,
    });
    expect(claims.exp - claims.iat).toBe(600);
    expect(decodeProtectedHeader(body.access_token)).toMatchObject({
      alg: "ES256",
      typ: "at+jwt",
      kid: server.instance.server.keys.signingKey().kid,
    });

    const active = await introspect(body.access_token);
    expect(active.status).toBe(200);
    expect(active.headers.get("cache-control")).toBe("no-store");
    expect(await json(active)).toMatchObject({
      active: true,
      client_id: "demo-batch",
      sub: "demo-batch",
      aud: MCP_RESOURCE,
      scope: body.scope,
      jti: claims.jti,
      token_type: "Bearer",
    });

    const revoked = await revoke(body.access_token);
    expect(revoked.status).toBe(200);
    expect(await revoked.text()).toBe("");

    expect(await json(introspect(body.access_token))).toEqual({ active: false });
    const audit = await server.instance.server.store.run((x) =>
      listAuditEvents(x, { event: "token.revoked" }),
    );
    expect(audit.some((event) => event.details?.jti === claims.jti)).toBe(true);
  });

  it("accepts client_secret_post as well as client_secret_basic", async () => {
    const request = form({
      grant_type: "client_credentials",
      resource: MCP_RESOURCE,
      client_id: DEMO_BATCH.clientId,
      client_secret: DEMO_BATCH.clientSecret,
    });
    const response = await fetch(server.url("/token"), { method: "POST", ...request });
    expect(response.status).toBe(200);
  });

  it("defaults to the client's only allowed resource and its allowed scopes when none are requested", async () => {
    const response = await requestClientCredentialsToken(server, {});
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.scope.split(" ").sort()).toEqual(
      [
        "mcp:data:client-info:read",
        "mcp:data:news:read",
        "mcp:tools:climate",
        "mcp:tools:sentiment:read",
      ].sort(),
    );
  });

  it("narrows a request to the scopes the client may have, and says so in the response", async () => {
    const response = await requestClientCredentialsToken(server, {
      resource: MCP_RESOURCE,
      scope: "mcp:tools:sentiment:read mcp:data:watchlist:write",
    });
    expect(response.status).toBe(200);
    expect((await json(response)).scope).toBe("mcp:tools:sentiment:read");
  });

  it("stamps the token's audience with the canonical resource even if scheme and host differ in case", async () => {
    const response = await requestClientCredentialsToken(server, {
      resource: "HTTP://LOCALHOST:4100/mcp",
    });
    expect(response.status).toBe(200);
    const claims = JSON.parse(
      Buffer.from((await json(response)).access_token.split(".")[1], "base64url").toString(),
    );
    expect(claims.aud).toBe(MCP_RESOURCE);
  });
});

describe("client credentials refusals", () => {
  it.each([
    ["an unknown resource", { resource: "http://localhost:9999/other" }],
    ["a resource with a trailing slash", { resource: `${MCP_RESOURCE}/` }],
    ["a resource with a fragment", { resource: `${MCP_RESOURCE}#x` }],
    ["a relative resource", { resource: "/mcp" }],
  ])("refuses %s with invalid_target", async (_, parameters) => {
    const response = await requestClientCredentialsToken(server, parameters);
    expect(response.status).toBe(400);
    expect((await json(response)).error).toBe("invalid_target");
  });

  it("refuses two resources in one request with invalid_target", async () => {
    const request = form([
      ["grant_type", "client_credentials"],
      ["resource", MCP_RESOURCE],
      ["resource", "http://localhost:4000"],
    ]);
    const response = await fetch(server.url("/token"), {
      method: "POST",
      headers: {
        ...request.headers,
        Authorization: basicAuthorization(DEMO_BATCH.clientId, DEMO_BATCH.clientSecret),
      },
      body: request.body,
    });
    expect(response.status).toBe(400);
    expect((await json(response)).error).toBe("invalid_target");
  });

  it.each([
    ["an unknown scope", "mcp:tools:sentiment:read mcp:tools:everything"],
    ["an admin scope at the MCP resource (scope escalation across audiences)", "admin:clients"],
    ["only scopes the client may not have", "mcp:data:watchlist:write"],
    ["offline_access", "offline_access"],
    ["a malformed scope string", "mcp:tools:sentiment:read\tmcp:data:news:read"],
  ])("refuses %s with invalid_scope", async (_, scope) => {
    const response = await requestClientCredentialsToken(server, { resource: MCP_RESOURCE, scope });
    expect(response.status).toBe(400);
    expect((await json(response)).error).toBe("invalid_scope");
  });

  it("refuses a wrong secret with 401 invalid_client and a Basic challenge", async () => {
    const response = await requestClientCredentialsToken(server, undefined, {
      clientId: "demo-batch",
      clientSecret: "not-the-secret",
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Basic /);
    expect(await json(response)).toMatchObject({ error: "invalid_client" });
    const failures = await server.instance.server.store.run((x) =>
      listAuditEvents(x, {
        event: "client.authentication_failed",
        clientId: "demo-batch",
      }),
    );
    expect(failures[0]?.details).toMatchObject({ reason: "wrong client secret" });
  });

  it("refuses an unknown client with invalid_client (SDK clients re-register on exactly this code)", async () => {
    const response = await requestClientCredentialsToken(server, undefined, {
      clientId: "no-such-client",
      clientSecret: "whatever",
    });
    expect(response.status).toBe(401);
    expect((await json(response)).error).toBe("invalid_client");
  });

  it("refuses a public client: client credentials are for confidential clients only", async () => {
    const registered = await json(
      registerClient(server, {
        redirect_uris: ["http://127.0.0.1:5555/cb"],
        token_endpoint_auth_method: "none",
      }),
    );
    const request = form({
      grant_type: "client_credentials",
      client_id: registered.client_id,
      resource: MCP_RESOURCE,
    });
    const response = await fetch(server.url("/token"), { method: "POST", ...request });
    expect(response.status).toBe(400);
    expect((await json(response)).error).toBe("unauthorized_client");
  });

  it("refuses a dynamically registered confidential client: it was registered for the code flow only", async () => {
    const registered = await json(
      registerClient(server, { redirect_uris: ["https://app.example.com/cb"] }),
    );
    const response = await requestClientCredentialsToken(server, undefined, {
      clientId: registered.client_id,
      clientSecret: registered.client_secret,
    });
    expect(response.status).toBe(400);
    expect((await json(response)).error).toBe("unauthorized_client");
  });
});

describe("introspection and revocation access rules", () => {
  it("refuses introspection by a public client (it would let anyone test stolen tokens)", async () => {
    const token = (await json(requestClientCredentialsToken(server))).access_token;
    const request = form({ token, client_id: "some-public-client" });
    const response = await fetch(server.url("/introspect"), { method: "POST", ...request });
    expect(response.status).toBe(401);
    expect((await json(response)).error).toBe("invalid_client");
  });

  it("reports garbage, foreign and expired tokens as inactive without saying why", async () => {
    for (const token of ["not-a-jwt", "a.b.c", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."]) {
      expect(await json(introspect(token))).toEqual({ active: false });
    }
    const expiring = (await json(requestClientCredentialsToken(server))).access_token;
    server.advanceClock(601);
    try {
      expect(await json(introspect(expiring))).toEqual({ active: false });
    } finally {
      server.advanceClock(-601);
    }
  });

  it("answers 200 to revoking an unknown token (RFC 7009 §2.2)", async () => {
    const response = await revoke("unknown-token-value");
    expect(response.status).toBe(200);
  });

  it("refuses to let one client revoke another client's token", async () => {
    const registered = await json(
      registerClient(server, { redirect_uris: ["https://other.example.com/cb"] }),
    );
    const token = (await json(requestClientCredentialsToken(server))).access_token;
    const response = await revoke(token, {
      clientId: registered.client_id,
      clientSecret: registered.client_secret,
    });
    expect(response.status).toBe(400);
    expect((await json(response)).error).toBe("invalid_request");
    expect(await json(introspect(token))).toMatchObject({ active: true });
  });

  it("answers a public client's attempt on a foreign token with 200 but revokes nothing", async () => {
    const registered = await json(
      registerClient(server, {
        redirect_uris: ["http://127.0.0.1:7777/cb"],
        token_endpoint_auth_method: "none",
      }),
    );
    const token = (await json(requestClientCredentialsToken(server))).access_token;
    const request = form({ token, client_id: registered.client_id });
    const response = await fetch(server.url("/revoke"), { method: "POST", ...request });
    expect(response.status).toBe(200);
    expect(await json(introspect(token))).toMatchObject({ active: true });
  });
});
