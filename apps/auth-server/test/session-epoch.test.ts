// The session epoch and the consent page's browser binding (docs/internal-api.md "The acting user",
// "Sign out everywhere", "The browser binding"): a password reset, a disable or "sign out everywhere"
// ends every web session of the person, and a consent link completes only in the browser that opened it.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { listAuditEvents } from "../src/store/audit";
import { findConsents } from "../src/store/consents";
import { admin, adminId, callInternal, webToken } from "./support/admin";
import {
  browserBinding,
  internalApi,
  introspect,
  obtainAuthorizationCode,
  postDecision,
  redeemCode,
  refresh,
  registerPublicClient,
  sessionEpochOf,
  startClientInteraction,
  viewInteraction,
} from "./support/authorization";
import { json, useTestAuthServer } from "./support/test-server";

const server = useTestAuthServer();

/** A fresh person (so a reset or a disable here touches no other test) and their session epoch. */
async function signedInPerson() {
  const credentials = { email: `person-${randomUUID()}@example.com`, password: "first-password" };
  const { user } = await admin(server, "/users", { body: { ...credentials, name: "Person" } }, 201);
  const login = await json(internalApi(server, "/login", { body: credentials }));
  expect(login.user).toMatchObject({ id: user.id, sessionEpoch: 0 });
  return { credentials, userId: user.id as string, epoch: login.user.sessionEpoch as number };
}

/** A client with an exact https redirect: a remembered consent there skips the screen. */
function httpsClient() {
  return registerPublicClient(server, {
    redirect_uris: ["https://desk.example/oauth/callback"],
  });
}

async function lastAudit(event: string) {
  const [row] = await server.instance.server.store.run((x) =>
    listAuditEvents(x, { event: event as never, limit: 1 }),
  );
  return row;
}

async function expectSessionEnded(response: Response) {
  expect(response.status).toBe(401);
  expect(await json(response)).toMatchObject({ error: "session_ended" });
  // Not a challenge about the web app's own access token: it must not retry with a new one.
  expect(response.headers.get("www-authenticate")).toBeNull();
}

describe("the session epoch", () => {
  it("refuses a call that names a person but no session epoch with 401 session_ended, audited", async () => {
    const { userId } = await signedInPerson();
    await expectSessionEnded(
      await callInternal(server, "/account/apps", { actor: userId, epoch: null }),
    );
    expect(await lastAudit("user.session_refused")).toMatchObject({
      subject: userId,
      outcome: "failure",
      details: { reason: "no session epoch", path: "/internal/account/apps" },
    });
  });

  it("answers a malformed session epoch with 400 invalid_request", async () => {
    const { userId } = await signedInPerson();
    const token = await webToken(server);
    for (const epoch of ["-1", "1e3", "01", "0x0", "zero", "99999999999999999999"]) {
      const response = await fetch(server.url("/internal/account/apps"), {
        headers: {
          Authorization: `Bearer ${token}`,
          "Acting-User": userId,
          "Acting-User-Session-Epoch": epoch,
        },
      });
      expect({ epoch, status: response.status }).toEqual({ epoch, status: 400 });
      expect((await json(response)).error).toBe("invalid_request");
    }
  });

  it("a session stolen before a password reset can no longer approve consent", async () => {
    const { userId, epoch } = await signedInPerson();
    const client = await httpsClient();
    const interaction = await startClientInteraction(server, client);
    const binding = browserBinding();
    // The thief holds the session cookie, so the web app sends the epoch it carries.
    const shown = await viewInteraction(server, interaction, { userId, epoch, binding });
    expect(shown.status).toBe(200);

    await admin(server, `/users/${userId}/password`, { body: { password: "second-password" } });
    expect(await sessionEpochOf(server, userId)).toBe(epoch + 1);

    await expectSessionEnded(
      await viewInteraction(server, interaction, { userId, epoch, binding }),
    );
    await expectSessionEnded(
      await postDecision(server, interaction, "allow", { userId, epoch, binding }),
    );
    expect(await lastAudit("user.session_refused")).toMatchObject({
      subject: userId,
      details: { reason: "stale session epoch", presentedEpoch: epoch, currentEpoch: epoch + 1 },
    });
    // The person, signed in again with the new password, still can.
    const allowed = await postDecision(server, interaction, "allow", { userId, binding });
    expect(allowed.status).toBe(200);
  });

  it("a session stolen before a password reset can no longer mint tokens through remembered consent", async () => {
    const { credentials, userId, epoch } = await signedInPerson();
    const client = await httpsClient();
    const first = await obtainAuthorizationCode(server, { client, user: credentials });
    const tokens = await json(redeemCode(server, first));
    // Remembered: the next request would complete without the screen.
    const remembered = await viewInteraction(server, await startClientInteraction(server, client), {
      userId,
    });
    expect(await json(remembered)).toMatchObject({ consentRemembered: true });

    await admin(server, `/users/${userId}/password`, { body: { password: "second-password" } });

    // The stolen session is refused before remembered consent is even looked at.
    const interaction = await startClientInteraction(server, client);
    const binding = browserBinding();
    await expectSessionEnded(
      await viewInteraction(server, interaction, { userId, epoch, binding }),
    );
    await expectSessionEnded(
      await postDecision(server, interaction, "allow", { userId, epoch, binding }),
    );
    // The consent is forgotten, so even the person sees the screen again; the old grant is revoked.
    expect(await server.instance.server.store.run((x) => findConsents(x, { userId }))).toEqual([]);
    const fresh = await json(viewInteraction(server, interaction, { userId, binding }));
    expect(fresh).toMatchObject({ previouslyApproved: false, consentRemembered: false });
    expect((await refresh(server, client.clientId, tokens.refresh_token)).status).toBe(400);
    expect((await introspect(server, tokens.access_token)).active).toBe(false);
    expect(await lastAudit("user.password_reset")).toMatchObject({
      subject: userId,
      actorUserId: await adminId(server),
      details: { revokedGrants: 1, removedConsents: 1, sessionEpoch: epoch + 1 },
    });
    expect(await lastAudit("consent.revoked")).toMatchObject({
      subject: userId,
      details: { reason: "password reset" },
    });
  });

  it("a disabled person's existing session is refused, and enabling the account does not revive it", async () => {
    const { userId, epoch } = await signedInPerson();
    expect((await callInternal(server, "/account/apps", { actor: userId, epoch })).status).toBe(
      200,
    );

    await admin(server, `/users/${userId}/disable`, { body: {} });
    await expectSessionEnded(await callInternal(server, "/account/apps", { actor: userId, epoch }));
    expect(await lastAudit("user.disabled")).toMatchObject({
      subject: userId,
      details: { sessionEpoch: epoch + 1 },
    });
    // Even with the current epoch, a disabled person may not act.
    const current = await callInternal(server, "/account/apps", { actor: userId });
    expect(current.status).toBe(403);

    await admin(server, `/users/${userId}/enable`, { body: {} });
    await expectSessionEnded(await callInternal(server, "/account/apps", { actor: userId, epoch }));
  });

  it("a stolen administrator session ends with a password reset of that administrator", async () => {
    const { userId, epoch } = await signedInPerson();
    await admin(server, `/users/${userId}/admin`, { body: { isAdmin: true } });
    expect((await callInternal(server, "/admin/users", { actor: userId, epoch })).status).toBe(200);
    await admin(server, `/users/${userId}/password`, { body: { password: "second-password" } });
    await expectSessionEnded(await callInternal(server, "/admin/users", { actor: userId, epoch }));
  });

  it("sign out everywhere ends every session of the person and forgets remembered consents, but keeps the apps' grants", async () => {
    const { credentials, userId, epoch } = await signedInPerson();
    const client = await httpsClient();
    const tokens = await json(
      redeemCode(server, await obtainAuthorizationCode(server, { client, user: credentials })),
    );

    const response = await callInternal(server, "/account/sign-out-everywhere", {
      actor: userId,
      epoch,
      body: {},
    });
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ removedConsents: 1 });
    expect(await sessionEpochOf(server, userId)).toBe(epoch + 1);
    await expectSessionEnded(await callInternal(server, "/account/apps", { actor: userId, epoch }));
    expect(await server.instance.server.store.run((x) => findConsents(x, { userId }))).toEqual([]);
    // The person asked to end sessions, not to disconnect their apps.
    expect((await refresh(server, client.clientId, tokens.refresh_token)).status).toBe(200);
    expect(await lastAudit("user.signed_out_everywhere")).toMatchObject({
      subject: userId,
      actorUserId: userId,
      details: { removedConsents: 1, sessionEpoch: epoch + 1 },
    });

    // A session from before cannot do it again (nor anything else).
    await expectSessionEnded(
      await callInternal(server, "/account/sign-out-everywhere", {
        actor: userId,
        epoch,
        body: {},
      }),
    );
  });

  it("refuses a sign-out-everywhere body with unknown members with 400", async () => {
    const { userId } = await signedInPerson();
    const response = await callInternal(server, "/account/sign-out-everywhere", {
      actor: userId,
      body: { everywhere: "but here" },
    });
    expect(response.status).toBe(400);
    expect(await sessionEpochOf(server, userId)).toBe(0);
  });
});

describe("the consent page's browser binding", () => {
  it("a leaked consent link cannot be completed by another browser, even signed in as the same person", async () => {
    const { userId } = await signedInPerson();
    const interaction = await startClientInteraction(server, await httpsClient());
    const mine = browserBinding();
    expect((await viewInteraction(server, interaction, { userId, binding: mine })).status).toBe(
      200,
    );

    const other = browserBinding();
    for (const response of [
      await viewInteraction(server, interaction, { userId, binding: other }),
      await postDecision(server, interaction, "allow", { userId, binding: other }),
    ]) {
      expect(response.status).toBe(403);
      expect(await json(response)).toMatchObject({ error: "wrong_browser" });
    }
    expect(await lastAudit("consent.refused")).toMatchObject({
      subject: userId,
      outcome: "failure",
      details: { step: "decision", reason: "another browser" },
    });
    // The first browser still completes it.
    expect(
      (await postDecision(server, interaction, "allow", { userId, binding: mine })).status,
    ).toBe(200);
  });

  it("a leaked consent link cannot be completed by another signed-in person", async () => {
    const thief = await signedInPerson();
    const interaction = await startClientInteraction(server, await httpsClient());
    // The victim's browser opened it signed out, on its way to the login page.
    expect((await viewInteraction(server, interaction, { binding: browserBinding() })).status).toBe(
      200,
    );
    const decision = await postDecision(server, interaction, "allow", {
      userId: thief.userId,
      binding: browserBinding(),
    });
    expect(decision.status).toBe(403);
    expect(await json(decision)).toMatchObject({ error: "wrong_browser" });
  });

  it("refuses a decision no consent page was shown for (a forged decision straight to the API)", async () => {
    const { userId } = await signedInPerson();
    const interaction = await startClientInteraction(server, await httpsClient());
    const decision = await postDecision(server, interaction, "allow", {
      userId,
      binding: browserBinding(),
    });
    expect(decision.status).toBe(403);
    expect(await lastAudit("consent.refused")).toMatchObject({
      details: { step: "decision", reason: "the consent page was never shown" },
    });
  });

  it("binds the interaction to exactly one of two browsers racing to open a leaked link", async () => {
    const interaction = await startClientInteraction(server, await httpsClient());
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => viewInteraction(server, interaction)),
    );
    expect(responses.map((response) => response.status).sort()).toEqual([
      200, 403, 403, 403, 403, 403,
    ]);
  });

  it("answers a view or a decision without a browser binding with 400 invalid_request", async () => {
    const { userId } = await signedInPerson();
    const interaction = await startClientInteraction(server, await httpsClient());
    for (const response of [
      await viewInteraction(server, interaction, { binding: null }),
      await viewInteraction(server, interaction, { binding: "too-short" }),
      await postDecision(server, interaction, "allow", { userId, binding: null }),
    ]) {
      expect(response.status).toBe(400);
      expect((await json(response)).error).toBe("invalid_request");
    }
  });
});
