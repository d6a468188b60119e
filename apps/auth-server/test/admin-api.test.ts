// The admin API (docs/internal-api.md "Admin API"): per-route scopes, the acting administrator, and
// what each mutation does to clients, users, grants and keys — with the audit row naming the actor.
import { describe, expect, it } from "vitest";
import { listAuditEvents } from "../src/store/audit";
import {
  admin,
  adminId,
  analystId,
  callInternal,
  expectAuditedBy,
  webToken,
} from "./support/admin";
import {
  ANALYST_USER,
  DEMO_USER,
  introspect,
  logIn,
  obtainAuthorizationCode,
  redeemCode,
  refresh,
  registerPublicClient,
  WEB_CLIENT,
} from "./support/authorization";
import {
  json,
  MCP_RESOURCE,
  requestClientCredentialsToken,
  useTestAuthServer,
} from "./support/test-server";

const server = useTestAuthServer();

/** One representative call per route, with the scope it needs. */
const ROUTES: { method: "GET" | "POST" | "DELETE"; path: string; scope: string; body?: unknown }[] =
  [
    { method: "GET", path: "/admin/clients", scope: "admin:clients" },
    { method: "GET", path: "/admin/clients/demo-batch", scope: "admin:clients" },
    {
      method: "POST",
      path: "/admin/clients",
      scope: "admin:clients",
      body: { name: "x", allowedScopes: ["mcp:tools:climate"] },
    },
    { method: "POST", path: "/admin/clients/demo-batch/secret", scope: "admin:clients" },
    { method: "POST", path: "/admin/clients/demo-batch/disable", scope: "admin:clients" },
    { method: "POST", path: "/admin/clients/demo-batch/enable", scope: "admin:clients" },
    { method: "DELETE", path: "/admin/clients/demo-batch", scope: "admin:clients" },
    { method: "GET", path: "/admin/users", scope: "admin:users" },
    {
      method: "POST",
      path: "/admin/users",
      scope: "admin:users",
      body: { email: "x@example.com", name: "x", password: "password-x" },
    },
    { method: "POST", path: "/admin/users/nobody/disable", scope: "admin:users" },
    { method: "POST", path: "/admin/users/nobody/enable", scope: "admin:users" },
    {
      method: "POST",
      path: "/admin/users/nobody/password",
      scope: "admin:users",
      body: { password: "password-x" },
    },
    {
      method: "POST",
      path: "/admin/users/nobody/admin",
      scope: "admin:users",
      body: { isAdmin: true },
    },
    { method: "GET", path: "/admin/grants", scope: "admin:grants" },
    { method: "GET", path: "/admin/consents", scope: "admin:grants" },
    { method: "POST", path: "/admin/grants/nothing/revoke", scope: "admin:grants" },
    {
      method: "POST",
      path: "/admin/grants/revoke",
      scope: "admin:grants",
      body: { userId: "nobody" },
    },
    { method: "GET", path: "/admin/keys", scope: "admin:keys" },
    { method: "POST", path: "/admin/keys/rotate", scope: "admin:keys" },
    { method: "GET", path: "/admin/audit", scope: "admin:audit:read" },
  ];

describe("admin API access control", () => {
  it.each(ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))(
    "%s refuses a web token without its scope (403 insufficient_scope)",
    async (_, route) => {
      const response = await callInternal(server, route.path, {
        method: route.method,
        body: route.body,
        token: await webToken(server, route.scope),
      });
      expect(response.status).toBe(403);
      expect((await json(response)).error).toBe("insufficient_scope");
      expect(response.headers.get("www-authenticate")).toContain(`scope="`);
      expect(response.headers.get("www-authenticate")).toContain(route.scope);
    },
  );

  it.each(ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))(
    "%s refuses a token meant for the MCP server (401, audience confusion)",
    async (_, route) => {
      const issued = await requestClientCredentialsToken(
        server,
        { resource: MCP_RESOURCE, scope: "admin:mcp:audit:read" },
        WEB_CLIENT,
      );
      expect(issued.status).toBe(200);
      const response = await callInternal(server, route.path, {
        method: route.method,
        body: route.body,
        token: (await json(issued)).access_token,
      });
      expect(response.status).toBe(401);
      expect((await json(response)).error).toBe("invalid_token");
    },
  );

  it.each(ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))(
    "%s refuses an admin call on behalf of a non-admin user (privilege escalation through the web app)",
    async (_, route) => {
      const response = await callInternal(server, route.path, {
        method: route.method,
        body: route.body,
        actor: await analystId(server),
      });
      expect(response.status).toBe(403);
      expect((await json(response)).error).toBe("forbidden");
    },
  );

  it("records each refused admin call with the would-be actor", async () => {
    const analyst = await analystId(server);
    await callInternal(server, "/admin/users", { actor: analyst });
    const row = await expectAuditedBy(server, "admin.refused", analyst);
    expect(row?.outcome).toBe("failure");
    expect(row?.details).toMatchObject({
      path: "/internal/admin/users",
      reason: "not an administrator",
    });
  });

  it("refuses an unknown acting user (forged id) with 403, and a missing one with 400", async () => {
    const forged = await callInternal(server, "/admin/users", { actor: "no-such-user" });
    expect(forged.status).toBe(403);
    const missing = await callInternal(server, "/admin/users", { actor: null });
    expect(missing.status).toBe(400);
    expect((await json(missing)).error).toBe("invalid_request");
  });

  it("answers malformed input with 400 invalid_request, never a 5xx", async () => {
    for (const [path, call] of [
      ["/admin/clients?limit=1000", {}],
      ["/admin/clients?limit=-1", {}],
      ["/admin/clients?type=evil", {}],
      ["/admin/audit?since=yesterday", {}],
      ["/admin/audit?cursor=abc", {}],
      ["/admin/users?limit=1&limit=2", {}],
      ["/admin/users", { body: { email: "not an email", name: "x", password: "password-x" } }],
      ["/admin/users", { body: { email: "a@example.com", name: "x", password: "short" } }],
      ["/admin/clients", { body: { name: "x", allowedScopes: [] } }],
      ["/admin/clients", { body: { name: "x", allowedScopes: ["mcp:tools:climate"], extra: 1 } }],
      [
        "/admin/clients",
        { body: { name: "x", allowedScopes: ["mcp:tools:climate"], introspectionAllowed: "yes" } },
      ],
      ["/admin/grants/revoke", { body: {} }],
    ] as const) {
      const response = await callInternal(server, path, call);
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
      expect((await json(response)).error).toBe("invalid_request");
    }
    const notJson = await fetch(server.url("/internal/admin/users"), {
      method: "POST",
      headers: {
        Authorization: `Bearer ${await webToken(server)}`,
        "Acting-User": await adminId(server),
        "Acting-User-Session-Epoch": "0",
        "Content-Type": "application/json",
      },
      body: "{nope",
    });
    expect(notJson.status).toBe(400);
  });
});

async function createClient(name = "Nightly report job", clientId?: string) {
  return admin(
    server,
    "/clients",
    {
      body: {
        name,
        allowedScopes: ["mcp:tools:sentiment:read", "mcp:data:news:read"],
        ...(clientId === undefined ? {} : { clientId }),
      },
    },
    201,
  );
}

describe("admin: clients", () => {
  it("creates a confidential client whose secret, shown once, works for client_credentials", async () => {
    const created = await createClient("Report job", "report-job");
    expect(created.client).toMatchObject({
      clientId: "report-job",
      registrationType: "pre_registered",
      confidential: true,
      grantTypes: ["client_credentials"],
      allowedResources: [MCP_RESOURCE],
      lastUsedAt: null,
    });
    expect(created.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await expectAuditedBy(server, "client.created", await adminId(server));

    const token = await requestClientCredentialsToken(
      server,
      { resource: MCP_RESOURCE },
      { clientId: "report-job", clientSecret: created.clientSecret },
    );
    expect(token.status).toBe(200);
    expect((await json(token)).scope).toBe("mcp:tools:sentiment:read mcp:data:news:read");

    const detail = await admin(server, "/clients/report-job");
    expect(JSON.stringify(detail)).not.toContain(created.clientSecret);
    expect(detail.client.lastUsedAt).not.toBeNull();
    const list = await admin(server, "/clients?type=pre_registered");
    expect(list.items.map((client: { clientId: string }) => client.clientId)).toContain(
      "report-job",
    );
    expect(
      list.items.find((client: { clientId: string }) => client.clientId === "web"),
    ).toMatchObject({ configured: true });
  });

  it("refuses to give a new client admin or internal scopes (minting a second administrator)", async () => {
    for (const scope of ["admin:users", "internal:interactions", "admin:mcp:audit:read"]) {
      const response = await callInternal(server, "/admin/clients", {
        body: { name: "Sneaky", allowedScopes: [scope] },
      });
      expect(response.status).toBe(400);
    }
  });

  it("refuses a client id that is taken (409), and an unknown one (404)", async () => {
    const taken = await callInternal(server, "/admin/clients", {
      body: { name: "Again", allowedScopes: ["mcp:tools:climate"], clientId: "demo-batch" },
    });
    expect(taken.status).toBe(409);
    const unknown = await callInternal(
      server,
      `/admin/clients/${encodeURIComponent("https://app.example/client.json")}`,
    );
    expect(unknown.status).toBe(404);
  });

  it("rotates a secret: the new one works and the old one stops (a leaked secret ends)", async () => {
    const created = await createClient();
    const { clientId } = created.client;
    const rotated = await admin(server, `/clients/${clientId}/secret`, { method: "POST" });
    expect(rotated.clientSecret).not.toBe(created.clientSecret);
    await expectAuditedBy(server, "client.secret_rotated", await adminId(server));
    const old = await requestClientCredentialsToken(server, undefined, {
      clientId,
      clientSecret: created.clientSecret,
    });
    expect(old.status).toBe(401);
    expect((await json(old)).error).toBe("invalid_client");
    const fresh = await requestClientCredentialsToken(server, undefined, {
      clientId,
      clientSecret: rotated.clientSecret,
    });
    expect(fresh.status).toBe(200);
  });

  it("refuses to rotate a secret that comes from the environment, and to disable or delete the web app's client (lockout)", async () => {
    expect(
      (await callInternal(server, "/admin/clients/web/secret", { method: "POST" })).status,
    ).toBe(409);
    expect(
      (await callInternal(server, "/admin/clients/demo-batch/secret", { method: "POST" })).status,
    ).toBe(409);
    expect(
      (await callInternal(server, "/admin/clients/web/disable", { method: "POST" })).status,
    ).toBe(409);
    expect((await callInternal(server, "/admin/clients/web", { method: "DELETE" })).status).toBe(
      409,
    );
  });

  it("stops a disabled client from getting tokens, and lets it again once enabled", async () => {
    const created = await createClient();
    const credentials = { clientId: created.client.clientId, clientSecret: created.clientSecret };
    const disabled = await admin(server, `/clients/${credentials.clientId}/disable`, {
      method: "POST",
    });
    expect(disabled.client.disabledAt).not.toBeNull();
    await expectAuditedBy(server, "client.disabled", await adminId(server));
    const refused = await requestClientCredentialsToken(server, undefined, credentials);
    expect(refused.status).toBe(401);
    expect((await json(refused)).error).toBe("invalid_client");

    await admin(server, `/clients/${credentials.clientId}/enable`, { method: "POST" });
    await expectAuditedBy(server, "client.enabled", await adminId(server));
    expect((await requestClientCredentialsToken(server, undefined, credentials)).status).toBe(200);
  });

  it("disabling a client ends its users' refresh tokens and access tokens", async () => {
    const authorized = await obtainAuthorizationCode(server);
    const tokens = await json(redeemCode(server, authorized));
    await admin(server, `/clients/${authorized.clientId}/disable`, { method: "POST" });
    expect((await introspect(server, tokens.access_token)).active).toBe(false);
    await admin(server, `/clients/${authorized.clientId}/enable`, { method: "POST" });
    const refreshed = await refresh(server, authorized.clientId, tokens.refresh_token);
    expect(refreshed.status).toBe(400);
    expect((await json(refreshed)).error).toBe("invalid_grant");
  });

  it("shows a dynamically registered client's redirect URIs and grant types", async () => {
    const client = await registerPublicClient(server);
    const detail = await admin(server, `/clients/${encodeURIComponent(client.clientId)}`);
    expect(detail.client).toMatchObject({
      registrationType: "dynamic",
      confidential: false,
      redirectUris: [client.redirectUri],
      grantTypes: ["authorization_code", "refresh_token"],
      allowedScopes: null,
    });
    expect(
      (await callInternal(server, `/admin/clients/${client.clientId}/secret`, { method: "POST" }))
        .status,
    ).toBe(409);
  });

  it("deleting a client ends its refresh tokens and deny-lists its access tokens", async () => {
    const authorized = await obtainAuthorizationCode(server);
    const tokens = await json(redeemCode(server, authorized));
    const deleted = await admin(server, `/clients/${authorized.clientId}`, { method: "DELETE" });
    expect(deleted).toEqual({ clientId: authorized.clientId, revokedGrants: 1 });
    await expectAuditedBy(server, "client.deleted", await adminId(server));
    const refreshed = await refresh(server, authorized.clientId, tokens.refresh_token);
    expect(refreshed.status).toBeGreaterThanOrEqual(400);
    expect(["invalid_grant", "invalid_client"]).toContain((await json(refreshed)).error);
    expect((await introspect(server, tokens.access_token)).active).toBe(false);
    expect((await callInternal(server, `/admin/clients/${authorized.clientId}`)).status).toBe(404);
  });
});

describe("admin: users", () => {
  it("creates a user who can sign in, and refuses the same email twice", async () => {
    const created = await admin(
      server,
      "/users",
      { body: { email: "New.Person@Example.com", name: "New Person", password: "new-password" } },
      201,
    );
    expect(created.user).toMatchObject({ email: "new.person@example.com", isAdmin: false });
    expect(JSON.stringify(created)).not.toContain("new-password");
    await expectAuditedBy(server, "user.created", await adminId(server));
    expect(await logIn(server, { email: "new.person@example.com", password: "new-password" })).toBe(
      created.user.id,
    );
    const again = await callInternal(server, "/admin/users", {
      body: { email: "new.person@example.com", name: "Again", password: "new-password" },
    });
    expect(again.status).toBe(409);

    const found = await admin(server, "/users?q=new.person");
    expect(found.total).toBe(1);
    const search = await admin(server, "/users?q=%25");
    expect(search.total).toBe(0);
  });

  it("resets a password: the old one stops working, the new one works, and the apps connected with the old one lose their access (account takeover)", async () => {
    const { user } = await admin(
      server,
      "/users",
      { body: { email: "reset@example.com", name: "Reset Me", password: "first-password" } },
      201,
    );
    const authorized = await obtainAuthorizationCode(server, {
      user: { email: "reset@example.com", password: "first-password" },
    });
    const tokens = await json(redeemCode(server, authorized));
    await admin(server, `/users/${user.id}/password`, { body: { password: "second-password" } });
    expect((await json(refresh(server, authorized.clientId, tokens.refresh_token))).error).toBe(
      "invalid_grant",
    );
    expect((await introspect(server, tokens.access_token)).active).toBe(false);
    await expectAuditedBy(server, "grant.revoked", await adminId(server));
    const row = await expectAuditedBy(server, "user.password_reset", await adminId(server));
    expect(JSON.stringify(row)).not.toContain("second-password");
    const old = await callInternal(server, "/login", {
      body: { email: "reset@example.com", password: "first-password" },
    });
    expect(old.status).toBe(401);
    expect(await logIn(server, { email: "reset@example.com", password: "second-password" })).toBe(
      user.id,
    );
  });

  it("disabling a user ends their sign-in and every grant they gave", async () => {
    const { user } = await admin(
      server,
      "/users",
      { body: { email: "leaver@example.com", name: "Leaver", password: "leaver-password" } },
      201,
    );
    const authorized = await obtainAuthorizationCode(server, {
      user: { email: "leaver@example.com", password: "leaver-password" },
    });
    const tokens = await json(redeemCode(server, authorized));
    const disabled = await admin(server, `/users/${user.id}/disable`, { method: "POST" });
    expect(disabled.user.disabledAt).not.toBeNull();
    await expectAuditedBy(server, "user.disabled", await adminId(server));
    expect((await json(refresh(server, authorized.clientId, tokens.refresh_token))).error).toBe(
      "invalid_grant",
    );
    expect((await introspect(server, tokens.access_token)).active).toBe(false);
    const login = await callInternal(server, "/login", {
      body: { email: "leaver@example.com", password: "leaver-password" },
    });
    expect(login.status).toBe(401);
    await admin(server, `/users/${user.id}/enable`, { method: "POST" });
    await expectAuditedBy(server, "user.enabled", await adminId(server));
  });

  it("grants and removes administrator rights, and the new admin can use the admin API", async () => {
    const { user } = await admin(
      server,
      "/users",
      { body: { email: "deputy@example.com", name: "Deputy", password: "deputy-password" } },
      201,
    );
    expect((await callInternal(server, "/admin/users", { actor: user.id })).status).toBe(403);
    await admin(server, `/users/${user.id}/admin`, { body: { isAdmin: true } });
    await expectAuditedBy(server, "user.admin_granted", await adminId(server));
    expect((await callInternal(server, "/admin/users", { actor: user.id })).status).toBe(200);
    await admin(server, `/users/${user.id}/admin`, { body: { isAdmin: false } });
    await expectAuditedBy(server, "user.admin_revoked", await adminId(server));
    expect((await callInternal(server, "/admin/users", { actor: user.id })).status).toBe(403);
  });

  it("refuses to let an administrator disable or demote themselves (lockout)", async () => {
    const self = await adminId(server);
    expect(
      (await callInternal(server, `/admin/users/${self}/disable`, { method: "POST" })).status,
    ).toBe(409);
    expect(
      (await callInternal(server, `/admin/users/${self}/admin`, { body: { isAdmin: false } }))
        .status,
    ).toBe(409);
  });

  it("refuses to disable the last enabled administrator (lockout)", async () => {
    const { user } = await admin(
      server,
      "/users",
      {
        body: {
          email: "second-admin@example.com",
          name: "Second",
          password: "second-password",
          isAdmin: true,
        },
      },
      201,
    );
    // The second admin tries to disable the first while the first is the only other admin: allowed,
    // since the second stays; then the first (re-enabled) cannot disable the last one standing.
    const demo = await adminId(server);
    await admin(server, `/users/${demo}/disable`, { method: "POST", actor: user.id });
    const last = await callInternal(server, `/admin/users/${user.id}/admin`, {
      body: { isAdmin: false },
      actor: user.id,
    });
    expect(last.status).toBe(409);
    await admin(server, `/users/${demo}/enable`, { method: "POST", actor: user.id });
    await admin(server, `/users/${user.id}/disable`, { method: "POST" });
  });

  it("refuses a disabled administrator acting through the web app (stale session)", async () => {
    const { user } = await admin(
      server,
      "/users",
      {
        body: {
          email: "stale-admin@example.com",
          name: "Stale",
          password: "stale-password",
          isAdmin: true,
        },
      },
      201,
    );
    await admin(server, `/users/${user.id}/disable`, { method: "POST" });
    expect((await callInternal(server, "/admin/users", { actor: user.id })).status).toBe(403);
  });
});

describe("admin: grants and consents", () => {
  it("revoking a grant makes its refresh token fail and its access token introspect inactive", async () => {
    const authorized = await obtainAuthorizationCode(server, { user: ANALYST_USER });
    const tokens = await json(redeemCode(server, authorized));
    const listed = await admin(
      server,
      `/grants?user=${await analystId(server)}&client=${encodeURIComponent(authorized.clientId)}`,
    );
    expect(listed.total).toBe(1);
    const [grant] = listed.items;
    expect(grant).toMatchObject({
      user: { id: await analystId(server), email: ANALYST_USER.email },
      client: { clientId: authorized.clientId, registrationType: "dynamic" },
      resource: MCP_RESOURCE,
      revokedAt: null,
    });
    expect(grant.refreshTokenExpiresAt).not.toBeNull();

    const revoked = await admin(server, `/grants/${grant.id}/revoke`, { method: "POST" });
    expect(revoked).toEqual({ grantId: grant.id, revoked: true });
    await expectAuditedBy(server, "grant.revoked", await adminId(server));
    const refreshed = await refresh(server, authorized.clientId, tokens.refresh_token);
    expect(refreshed.status).toBe(400);
    expect((await json(refreshed)).error).toBe("invalid_grant");
    expect((await introspect(server, tokens.access_token)).active).toBe(false);

    const again = await admin(server, `/grants/${grant.id}/revoke`, { method: "POST" });
    expect(again.revoked).toBe(false);
    const revokedList = await admin(
      server,
      `/grants?status=revoked&client=${encodeURIComponent(authorized.clientId)}`,
    );
    expect(revokedList.items[0]).toMatchObject({ id: grant.id, refreshTokenExpiresAt: null });
    expect(revokedList.items[0].revokedReason).toBe("revoked by an administrator");
  });

  it("revokes all of a user's grants at a client and forgets the consent", async () => {
    const first = await obtainAuthorizationCode(server, { user: ANALYST_USER });
    const client = { clientId: first.clientId, redirectUri: first.redirectUri };
    const second = await obtainAuthorizationCode(server, { user: ANALYST_USER, client });
    const firstTokens = await json(redeemCode(server, first));
    const secondTokens = await json(redeemCode(server, second));
    const consents = await admin(
      server,
      `/consents?user=${await analystId(server)}&client=${encodeURIComponent(client.clientId)}`,
    );
    expect(consents.total).toBe(1);

    const outcome = await admin(server, "/grants/revoke", {
      body: { userId: await analystId(server), clientId: client.clientId },
    });
    expect(outcome).toEqual({ revokedGrants: 2, removedConsents: 1 });
    await expectAuditedBy(server, "consent.revoked", await adminId(server));
    for (const tokens of [firstTokens, secondTokens]) {
      expect((await json(refresh(server, client.clientId, tokens.refresh_token))).error).toBe(
        "invalid_grant",
      );
    }
    const after = await admin(server, `/consents?client=${encodeURIComponent(client.clientId)}`);
    expect(after.total).toBe(0);
  });

  it("answers 404 for an unknown grant", async () => {
    expect(
      (await callInternal(server, "/admin/grants/nope/revoke", { method: "POST" })).status,
    ).toBe(404);
  });
});

describe("admin: signing keys", () => {
  it("rotating leaves the old key in the JWKS next to the new one", async () => {
    const before = await admin(server, "/keys");
    const active = before.items.find((key: { status: string }) => key.status === "active");
    expect(active).toMatchObject({ alg: "ES256" });
    const rotated = await admin(server, "/keys/rotate", { method: "POST" });
    expect(rotated.kid).not.toBe(active.kid);
    expect(rotated.items[0]).toMatchObject({ kid: rotated.kid, status: "active" });
    expect(rotated.items.find((key: { kid: string }) => key.kid === active.kid)).toMatchObject({
      status: "retired-published",
    });
    await expectAuditedBy(server, "signing_key.created", await adminId(server));
    await expectAuditedBy(server, "signing_key.retired", await adminId(server));

    const jwks = await json(fetch(server.url("/.well-known/jwks.json")));
    const kids = jwks.keys.map((key: { kid: string }) => key.kid);
    expect(kids).toContain(rotated.kid);
    expect(kids).toContain(active.kid);
    expect(kids.length).toBeGreaterThanOrEqual(2);
  });
});

describe("admin: audit log", () => {
  it("filters by user, client, event and time, and pages with a cursor", async () => {
    const demo = await adminId(server);
    const mine = await admin(server, `/audit?user=${demo}&event=client.created&limit=1`);
    expect(mine.items).toHaveLength(1);
    expect(mine.items[0]).toMatchObject({
      source: "auth-server",
      event: "client.created",
      actorUserId: demo,
    });
    expect(mine.nextCursor).toBe(mine.items[0].cursor);

    const next = await admin(
      server,
      `/audit?user=${demo}&event=client.created&limit=1&cursor=${mine.nextCursor}`,
    );
    expect(next.items).toHaveLength(1);
    expect(next.items[0].id).toBeLessThan(mine.items[0].id);

    const all = await admin(server, `/audit?event=client.created&limit=200`);
    expect(all.nextCursor).toBeNull();
    const ordered = all.items.map((row: { occurredAt: string }) => row.occurredAt);
    expect([...ordered].sort().reverse()).toEqual(ordered);

    const byClient = await admin(server, "/audit?client=report-job");
    expect(byClient.items.every((row: { clientId: string }) => row.clientId === "report-job")).toBe(
      true,
    );
    expect(byClient.items.map((row: { event: string }) => row.event)).toContain("token.issued");

    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect((await admin(server, `/audit?since=${future}`)).items).toEqual([]);
    expect(
      (await admin(server, `/audit?until=${encodeURIComponent(future)}&limit=5`)).items,
    ).toHaveLength(5);
  });

  it("writes no audit row for reads, and one per mutation naming the actor", async () => {
    const { store } = server.instance.server;
    const count = async () => (await store.run((x) => listAuditEvents(x, { limit: 1000 }))).length;
    const before = await count();
    await admin(server, "/clients");
    await admin(server, "/users");
    await admin(server, "/keys");
    expect(await count()).toBe(before);
    expect(
      (await store.run((x) => listAuditEvents(x, { limit: 1000 }))).filter(
        (row) =>
          /^(client|user)\.(created|disabled|enabled|deleted|secret_rotated|password_reset|admin_granted|admin_revoked)$/.test(
            row.event,
          ) && row.actorUserId === null,
      ),
    ).toEqual([]);
  });
});

describe("the web app's own token", () => {
  it("carries every internal scope when the request names none", async () => {
    const issued = await requestClientCredentialsToken(
      server,
      { resource: `${server.issuer}/internal` },
      WEB_CLIENT,
    );
    const scopes = (await json(issued)).scope.split(" ");
    expect(scopes).toEqual(
      expect.arrayContaining(["internal:interactions", "internal:account", "admin:clients"]),
    );
    expect(scopes).not.toContain("admin:mcp:audit:read");
  });

  it("is accepted when signed by a key made by a rotation (the API follows its own key ring)", async () => {
    await admin(server, "/keys/rotate", { method: "POST" });
    // A new token, so signed with the new key; the shared one was signed before the rotation.
    const response = await callInternal(server, "/login", {
      body: DEMO_USER,
      token: await webToken(server),
    });
    expect(await json(response)).toMatchObject({
      user: { id: await adminId(server), isAdmin: true },
    });
  });
});
