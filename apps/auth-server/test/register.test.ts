// RFC 7591 Dynamic Client Registration over real HTTP.
import { OAuthClientInformationFullSchema } from "@modelcontextprotocol/sdk/shared/auth.js";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { listAuditEvents } from "../src/store/audit";
import { findClient } from "../src/store/clients";
import {
  json,
  registerClient,
  startTestAuthServer,
  useTestAuthServer,
} from "./support/test-server";

const server = useTestAuthServer();

const register = (metadata: unknown) => registerClient(server, metadata);

/** What the MCP TypeScript SDK sends for a CLI client with a loopback callback. */
const SDK_STYLE_REQUEST = {
  redirect_uris: ["http://localhost:8976/oauth/callback"],
  token_endpoint_auth_method: "none",
  grant_types: ["authorization_code", "refresh_token"],
  response_types: ["code"],
  client_name: "Example MCP CLI",
  scope: "mcp:tools:sentiment:read",
};

describe("registering a public MCP client", () => {
  it("answers 201 with a response the MCP SDK's OAuthClientInformationFullSchema accepts", async () => {
    const response = await register(SDK_STYLE_REQUEST);
    expect(response.status).toBe(201);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = await json(response);
    expect(OAuthClientInformationFullSchema.safeParse(body).success).toBe(true);
    expect(body).toMatchObject({
      redirect_uris: SDK_STYLE_REQUEST.redirect_uris,
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      client_name: "Example MCP CLI",
      scope: "mcp:tools:sentiment:read",
      application_type: "native",
    });
    expect(typeof body.client_id).toBe("string");
    expect(body.client_id.length).toBeGreaterThanOrEqual(20);
    expect(body).not.toHaveProperty("client_secret");
    expect(Math.abs(body.client_id_issued_at - Date.now() / 1000)).toBeLessThan(60);
  });

  it("stores the client as dynamically registered and writes an audit row", async () => {
    const body = await json(register(SDK_STYLE_REQUEST));
    const stored = await server.instance.server.store.run((x) => findClient(x, body.client_id));
    expect(stored).toMatchObject({ registrationType: "dynamic", clientSecretDigest: null });
    const audit = await server.instance.server.store.run((x) =>
      listAuditEvents(x, {
        event: "client.registered",
        clientId: body.client_id,
      }),
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]?.details).toMatchObject({ redirectUris: SDK_STYLE_REQUEST.redirect_uris });
  });

  it("keeps a client_name containing HTML as inert text, byte for byte", async () => {
    const clientName = '<img src=x onerror="alert(1)">Evil & Co';
    const body = await json(register({ ...SDK_STYLE_REQUEST, client_name: clientName }));
    expect(body.client_name).toBe(clientName);
  });

  it("drops scopes this server does not know instead of failing generic clients", async () => {
    const body = await json(
      register({ ...SDK_STYLE_REQUEST, scope: "openid mcp:data:news:read offline_access" }),
    );
    expect(body.scope).toBe("mcp:data:news:read");
  });

  it('infers application_type "native" from loopback redirects, "web" from https ones', async () => {
    const native = await json(register({ ...SDK_STYLE_REQUEST, application_type: undefined }));
    expect(native.application_type).toBe("native");
    const web = await json(
      register({
        ...SDK_STYLE_REQUEST,
        redirect_uris: ["https://client.example.com/callback"],
      }),
    );
    expect(web.application_type).toBe("web");
  });

  it("accepts all three loopback forms: 127.0.0.1, [::1] and localhost", async () => {
    for (const redirectUri of [
      "http://127.0.0.1:33418/callback",
      "http://[::1]:33418/callback",
      "http://localhost/callback",
    ]) {
      const response = await register({ ...SDK_STYLE_REQUEST, redirect_uris: [redirectUri] });
      expect(response.status, redirectUri).toBe(201);
    }
  });
});

describe("registering a confidential client", () => {
  it("issues a 256-bit secret once and stores only its digest", async () => {
    const response = await register({
      redirect_uris: ["https://app.example.com/oauth/callback"],
      client_name: "Confidential web app",
    });
    expect(response.status).toBe(201);
    const body = await json(response);
    // RFC 7591 §2: token_endpoint_auth_method defaults to client_secret_basic.
    expect(body.token_endpoint_auth_method).toBe("client_secret_basic");
    expect(body.client_secret_expires_at).toBe(0);
    expect(Buffer.from(body.client_secret, "base64url")).toHaveLength(32);

    const stored = await server.instance.server.store.run((x) => findClient(x, body.client_id));
    expect(stored?.clientSecretDigest).toBeTruthy();
    expect(stored?.clientSecretDigest).not.toBe(body.client_secret);
    const raw = new Database(server.databasePath, { readonly: true });
    const everyText = raw
      .prepare("select * from clients where client_id = ?")
      .all(body.client_id)
      .map((row) => JSON.stringify(row))
      .join("");
    raw.close();
    expect(everyText).not.toContain(body.client_secret);
  });
});

describe("registration policy", () => {
  it("refuses a client_credentials client: anonymous registration must never yield a machine client", async () => {
    const response = await register({
      redirect_uris: ["https://app.example.com/cb"],
      grant_types: ["client_credentials"],
      token_endpoint_auth_method: "client_secret_basic",
    });
    expect(response.status).toBe(400);
    const body = await json(response);
    expect(body.error).toBe("invalid_client_metadata");
    expect(body.error_description).toMatch(/pre-registered/);
  });

  it.each([
    ["plain http on a real host", "http://client.example.com/callback"],
    ["a fragment", "https://client.example.com/callback#frag"],
    ["a relative URI", "/callback"],
    ["javascript:", "javascript:alert(1)"],
    ["data:", "data:text/html,hi"],
    ["a custom scheme", "com.example.app:/callback"],
    ["user credentials", "https://user:pass@client.example.com/callback"],
    ["a lookalike loopback host", "http://localhost.evil.example/callback"],
  ])("rejects a redirect URI with %s as invalid_redirect_uri", async (_, redirectUri) => {
    const response = await register({ ...SDK_STYLE_REQUEST, redirect_uris: [redirectUri] });
    expect(response.status).toBe(400);
    expect((await json(response)).error).toBe("invalid_redirect_uri");
  });

  it('refuses loopback redirect URIs for application_type "web"', async () => {
    const response = await register({ ...SDK_STYLE_REQUEST, application_type: "web" });
    expect(response.status).toBe(400);
    expect((await json(response)).error).toBe("invalid_redirect_uri");
  });

  it.each([
    ["implicit grant", { grant_types: ["implicit"] }],
    ["password grant", { grant_types: ["password"] }],
    ["refresh_token without authorization_code", { grant_types: ["refresh_token"] }],
    ["token response type", { response_types: ["token"] }],
    ["private_key_jwt", { token_endpoint_auth_method: "private_key_jwt" }],
    ["unknown application_type", { application_type: "desktop" }],
    ["control characters in client_name", { client_name: "Safe\u0000App" }],
    ["a right-to-left override in client_name (name spoofing)", { client_name: "Safe\u202EppA" }],
    ["a bidi isolate in client_name (name spoofing)", { client_name: "Bank\u2067evil\u2069" }],
    ["an over-long client_name", { client_name: "x".repeat(201) }],
    ["an http logo_uri", { logo_uri: "http://cdn.example.com/logo.png" }],
    ["a malformed scope", { scope: "mcp:tools:sentiment:read  mcp:data:news:read" }],
    ["a non-array contacts", { contacts: "ops@example.com" }],
  ])("refuses %s as invalid_client_metadata", async (_, change) => {
    const response = await register({ ...SDK_STYLE_REQUEST, ...change });
    expect(response.status).toBe(400);
    expect((await json(response)).error).toBe("invalid_client_metadata");
  });

  it("writes no client row for a refused registration, only an audit row", async () => {
    const countClients = () =>
      server.instance.server.store.run(({ db, tables: { clients } }) => db.$count(clients));
    const before = await countClients();
    await register({ ...SDK_STYLE_REQUEST, redirect_uris: ["http://evil.example/cb"] });
    const after = await countClients();
    expect(after).toBe(before);
    expect(
      (
        await server.instance.server.store.run((x) =>
          listAuditEvents(x, { event: "client.registration_rejected" }),
        )
      ).length,
    ).toBeGreaterThan(0);
  });
});

describe("registration rate limit", () => {
  it("answers 429 with Retry-After once an address exceeds the limit", async () => {
    const limited = await startTestAuthServer({ REGISTRATION_RATE_LIMIT: "3" });
    try {
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 5; attempt++) {
        statuses.push((await registerClient(limited, SDK_STYLE_REQUEST)).status);
      }
      expect(statuses).toEqual([201, 201, 201, 429, 429]);
      const refused = await registerClient(limited, SDK_STYLE_REQUEST);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(await json(refused)).toMatchObject({ error: "temporarily_unavailable" });
    } finally {
      await limited.close();
    }
  });
});
