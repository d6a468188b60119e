import { describe, expect, it } from "vitest";
import { secretDigest } from "../src/security/secrets";
import { findGrant, findRefreshToken } from "../src/store/grants";
import { introspect, obtainAuthorizationCode, redeemCode, refresh } from "./support/authorization";
import { type JsonBody, json, type TestAuthServer, useTestAuthServer } from "./support/test-server";

const server = useTestAuthServer();
const withoutGrace = useTestAuthServer({ REFRESH_REUSE_GRACE_SECONDS: "0" });
const shortFamily = useTestAuthServer({
  REFRESH_FAMILY_MAX_DAYS: "1",
  REFRESH_TOKEN_TTL_SECONDS: String(20 * 3600),
});

/** A signed-in person's first pair, as an MCP client holds it after the code exchange. */
async function signIn(target: TestAuthServer): Promise<{ clientId: string; tokens: JsonBody }> {
  const authorized = await obtainAuthorizationCode(target);
  const response = await redeemCode(target, authorized);
  expect(response.status).toBe(200);
  return { clientId: authorized.clientId, tokens: await json(response) };
}

async function refreshTokenRow(target: TestAuthServer, refreshToken: string) {
  return await target.instance.server.store.run((x) =>
    findRefreshToken(x, secretDigest(refreshToken)),
  );
}

async function expectInvalidGrant(response: Response | Promise<Response>) {
  const answered = await response;
  expect(answered.status).toBe(400);
  expect((await json(answered)).error).toBe("invalid_grant");
}

describe("an honest retry within REFRESH_REUSE_GRACE_SECONDS", () => {
  it("an honest retry of a lost refresh response within the grace gets a fresh pair", async () => {
    const { clientId, tokens } = await signIn(server);
    const lost = await json(refresh(server, clientId, tokens.refresh_token));
    expect(lost.refresh_token).toBeTypeOf("string");

    // The response never reached the client, which tries again with the token it still has.
    server.advanceClock(20);
    const retried = await refresh(server, clientId, tokens.refresh_token);
    expect(retried.status).toBe(200);
    const pair = await json(retried);
    expect(pair.refresh_token).not.toBe(lost.refresh_token);
    expect(pair.access_token).not.toBe(lost.access_token);
    expect((await introspect(server, pair.access_token)).active).toBe(true);

    // The person stays signed in: the retry's refresh token rotates as any other.
    const next = await refresh(server, clientId, pair.refresh_token);
    expect(next.status).toBe(200);
  });

  it("the unused successor of a retried refresh stops working", async () => {
    const { clientId, tokens } = await signIn(server);
    const lost = await json(refresh(server, clientId, tokens.refresh_token));
    const pair = await json(refresh(server, clientId, tokens.refresh_token));
    expect((await refreshTokenRow(server, lost.refresh_token))?.revokedAt).toBeInstanceOf(Date);

    // Only whoever intercepted the lost response can hold it, so presenting it is a reuse.
    await expectInvalidGrant(refresh(server, clientId, lost.refresh_token));
    await expectInvalidGrant(refresh(server, clientId, pair.refresh_token));
    expect((await introspect(server, pair.access_token)).active).toBe(false);
  });

  it("two parallel refreshes of one token leave the person signed in", async () => {
    const { clientId, tokens } = await signIn(server);
    const responses = await Promise.all([
      refresh(server, clientId, tokens.refresh_token),
      refresh(server, clientId, tokens.refresh_token),
    ]);
    // One rotates; the other, finding the first successor unused, is a retry and withdraws it. So
    // both are answered, both access tokens work, and exactly one refresh token is the chain's end:
    // the one issued second (a client whose processes share storage keeps the last one written).
    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    const pairs = await Promise.all(responses.map((response) => json(response)));
    for (const pair of pairs)
      expect((await introspect(server, pair.access_token)).active).toBe(true);
    const rows = await Promise.all(
      pairs.map((pair) => refreshTokenRow(server, pair.refresh_token)),
    );
    const live = pairs.filter((_, index) => rows[index]?.revokedAt === null);
    expect(live).toHaveLength(1);
    expect((await refresh(server, clientId, live[0]?.refresh_token)).status).toBe(200);
  });
});

describe("reuse outside the grace revokes the family (RFC 9700 §4.14.2)", () => {
  it("a stolen refresh token replayed after its successor was used revokes the family", async () => {
    const { clientId, tokens } = await signIn(server);
    const rotated = await json(refresh(server, clientId, tokens.refresh_token));
    const latest = await json(refresh(server, clientId, rotated.refresh_token));

    // Within the grace still, but the successor was used: not a retry.
    await expectInvalidGrant(refresh(server, clientId, tokens.refresh_token));
    await expectInvalidGrant(refresh(server, clientId, latest.refresh_token));
    for (const pair of [tokens, rotated, latest]) {
      expect((await introspect(server, pair.access_token)).active).toBe(false);
    }
  });

  it("a refresh token replayed after the grace revokes the family", async () => {
    const { clientId, tokens } = await signIn(server);
    const rotated = await json(refresh(server, clientId, tokens.refresh_token));
    server.advanceClock(31);

    // The successor is unused, but 31 seconds is no lost response: someone else holds the old token.
    await expectInvalidGrant(refresh(server, clientId, tokens.refresh_token));
    await expectInvalidGrant(refresh(server, clientId, rotated.refresh_token));
    expect((await introspect(server, rotated.access_token)).active).toBe(false);
  });

  it("a retry does not reset the grace (a thief cannot keep a replayed token alive)", async () => {
    const { clientId, tokens } = await signIn(server);
    await json(refresh(server, clientId, tokens.refresh_token));
    server.advanceClock(20);
    const retried = await json(refresh(server, clientId, tokens.refresh_token));
    server.advanceClock(20);
    // 40 seconds after the first rotation: the grace is counted from it, not from the retry.
    await expectInvalidGrant(refresh(server, clientId, tokens.refresh_token));
    await expectInvalidGrant(refresh(server, clientId, retried.refresh_token));
  });
});

describe("REFRESH_REUSE_GRACE_SECONDS=0", () => {
  it("grace 0 revokes the family on any reuse", async () => {
    const { clientId, tokens } = await signIn(withoutGrace);
    const rotated = await json(refresh(withoutGrace, clientId, tokens.refresh_token));
    await expectInvalidGrant(refresh(withoutGrace, clientId, tokens.refresh_token));
    await expectInvalidGrant(refresh(withoutGrace, clientId, rotated.refresh_token));
    expect((await introspect(withoutGrace, rotated.access_token)).active).toBe(false);
  });

  it("grace 0 answers two parallel refreshes with one success, then revokes the family", async () => {
    const { clientId, tokens } = await signIn(withoutGrace);
    const responses = await Promise.all([
      refresh(withoutGrace, clientId, tokens.refresh_token),
      refresh(withoutGrace, clientId, tokens.refresh_token),
    ]);
    // The first transaction rotates; the second finds a rotated token and no grace: a reuse.
    expect(responses.map((response) => response.status).sort()).toEqual([200, 400]);
    const winner = await json(
      responses.find((response) => response.status === 200) ?? responses[0],
    );
    await expectInvalidGrant(refresh(withoutGrace, clientId, winner.refresh_token));
  });
});

describe("REFRESH_FAMILY_MAX_DAYS", () => {
  it("ends a refresh token family at its absolute lifetime, however often it rotates", async () => {
    const { clientId, tokens } = await signIn(shortFamily);
    const grantId = (await refreshTokenRow(shortFamily, tokens.refresh_token))?.grantId ?? "";
    const grant = await shortFamily.instance.server.store.run((x) => findGrant(x, grantId));
    const familyEnd = (grant?.createdAt.getTime() ?? 0) + 86_400_000;

    shortFamily.advanceClock(10 * 3600);
    const rotated = await json(refresh(shortFamily, clientId, tokens.refresh_token));
    // Sliding, it would live 20 hours from now; the family ends 14 hours from now.
    expect((await refreshTokenRow(shortFamily, rotated.refresh_token))?.expiresAt.getTime()).toBe(
      familyEnd,
    );

    shortFamily.advanceClock(14 * 3600 + 1);
    await expectInvalidGrant(refresh(shortFamily, clientId, rotated.refresh_token));
  });
});
