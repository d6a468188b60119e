// /internal/account (docs/internal-api.md "Connected apps"): a signed-in person's apps, and Revoke,
// which ends the consent, the refresh-token families and the access tokens together.
import { describe, expect, it } from "vitest";
import { listAuditEvents } from "../src/store/audit";
import { adminId, analystId, callInternal, webToken } from "./support/admin";
import {
  ANALYST_USER,
  introspect,
  obtainAuthorizationCode,
  READ_SCOPES,
  redeemCode,
  refresh,
  startClientInteraction,
  viewInteraction,
} from "./support/authorization";
import { json, MCP_RESOURCE, useTestAuthServer } from "./support/test-server";

const server = useTestAuthServer();

async function connect(user = ANALYST_USER) {
  const authorized = await obtainAuthorizationCode(server, { user });
  const tokens = await json(redeemCode(server, authorized));
  return { authorized, tokens };
}

describe("connected apps", () => {
  it("lists the apps holding a grant for the signed-in person, with scopes and last use", async () => {
    const { authorized } = await connect();
    const response = await callInternal(server, "/account/apps", {
      actor: await analystId(server),
    });
    expect(response.status).toBe(200);
    const { items } = await json(response);
    const app = items.find(
      (item: { client: { clientId: string } }) => item.client.clientId === authorized.clientId,
    );
    expect(app).toMatchObject({
      client: { name: "Test MCP client", registrationType: "dynamic", verified: false },
      resources: [{ identifier: MCP_RESOURCE, name: "Financial sentiment MCP server" }],
      activeGrants: 1,
    });
    expect(app.scopes.map((scope: { name: string }) => scope.name).sort()).toEqual(
      READ_SCOPES.split(" ").sort(),
    );
    expect(app.lastUsedAt).not.toBeNull();

    // Another person's list does not show it (no peeking at other accounts through the web app).
    const others = await json(
      callInternal(server, "/account/apps", { actor: await adminId(server) }),
    );
    expect(
      others.items.some(
        (item: { client: { clientId: string } }) => item.client.clientId === authorized.clientId,
      ),
    ).toBe(false);
  });

  it("keeps an app's last use once an administrator has revoked its grants and the consent stays", async () => {
    const { authorized } = await connect();
    const before = await json(
      callInternal(server, "/account/apps", { actor: await analystId(server) }),
    );
    const lastUse = before.items.find(
      (item: { client: { clientId: string } }) => item.client.clientId === authorized.clientId,
    ).lastUsedAt;
    // One family revoked from the console: the consent stays, so the app is still listed.
    const grants = await json(
      callInternal(
        server,
        `/admin/grants?${new URLSearchParams({ user: await analystId(server), client: authorized.clientId })}`,
      ),
    );
    expect(grants.items).toHaveLength(1);
    const revoked = await callInternal(server, `/admin/grants/${grants.items[0].id}/revoke`, {
      body: {},
    });
    expect(revoked.status).toBe(200);

    const { items } = await json(
      callInternal(server, "/account/apps", { actor: await analystId(server) }),
    );
    const app = items.find(
      (item: { client: { clientId: string } }) => item.client.clientId === authorized.clientId,
    );
    expect(app).toMatchObject({ activeGrants: 0, lastUsedAt: lastUse });
    expect(lastUse).toEqual(expect.any(String));
  });

  it("Revoke ends the consent, the refresh-token family and the access token", async () => {
    const { authorized, tokens } = await connect();
    const response = await callInternal(server, "/account/apps/revoke", {
      actor: await analystId(server),
      body: { clientId: authorized.clientId },
    });
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({
      clientId: authorized.clientId,
      revokedGrants: 1,
      removedConsents: 1,
    });

    const refreshed = await refresh(server, authorized.clientId, tokens.refresh_token);
    expect(refreshed.status).toBe(400);
    expect((await json(refreshed)).error).toBe("invalid_grant");
    expect((await introspect(server, tokens.access_token)).active).toBe(false);

    // The next authorization request asks the person again.
    const interaction = await startClientInteraction(server, authorized);
    const shown = await json(
      viewInteraction(server, interaction, { userId: await analystId(server) }),
    );
    expect(shown.previouslyApproved).toBe(false);

    const apps = await json(
      callInternal(server, "/account/apps", { actor: await analystId(server) }),
    );
    expect(
      apps.items.some(
        (item: { client: { clientId: string } }) => item.client.clientId === authorized.clientId,
      ),
    ).toBe(false);
    const audit = await server.instance.server.store.run((x) =>
      listAuditEvents(x, { event: "consent.revoked" }),
    );
    expect(audit[0]).toMatchObject({
      clientId: authorized.clientId,
      subject: await analystId(server),
      actorUserId: await analystId(server),
    });
  });

  it("cannot revoke another person's grant by naming their app (one account only)", async () => {
    const { authorized, tokens } = await connect();
    const response = await callInternal(server, "/account/apps/revoke", {
      actor: await adminId(server),
      body: { clientId: authorized.clientId },
    });
    expect(await json(response)).toMatchObject({ revokedGrants: 0, removedConsents: 0 });
    expect((await introspect(server, tokens.access_token)).active).toBe(true);
  });

  it("answers a second Revoke with zeros (a double click is harmless)", async () => {
    const { authorized } = await connect();
    const revoke = async () =>
      callInternal(server, "/account/apps/revoke", {
        actor: await analystId(server),
        body: { clientId: authorized.clientId },
      });
    expect((await revoke()).status).toBe(200);
    expect(await json(revoke())).toMatchObject({ revokedGrants: 0, removedConsents: 0 });
  });

  it("refuses a forged acting user (403) and a token without internal:account (403 insufficient_scope)", async () => {
    const forged = await callInternal(server, "/account/apps", { actor: "forged-user-id" });
    expect(forged.status).toBe(403);
    expect((await json(forged)).error).toBe("forbidden");
    const narrow = await callInternal(server, "/account/apps", {
      actor: await analystId(server),
      token: await webToken(server, "internal:account"),
    });
    expect(narrow.status).toBe(403);
    expect((await json(narrow)).error).toBe("insufficient_scope");
    const badBody = await callInternal(server, "/account/apps/revoke", {
      actor: await analystId(server),
      body: { client: "x" },
    });
    expect(badBody.status).toBe(400);
  });
});
