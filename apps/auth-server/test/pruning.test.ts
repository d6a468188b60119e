// Pruning: expired state and old audit rows go, and what replay and reuse detection read stays.
import { count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { AuthTables } from "../src/db/database";
import { pruneExpiredState } from "../src/maintenance/prune";
import {
  introspect,
  obtainAuthorizationCode,
  READ_SCOPES,
  redeemCode,
  refresh,
  registerPublicClient,
  startInteraction,
} from "./support/authorization";
import { json, MCP_RESOURCE, type TestAuthServer, useTestAuthServer } from "./support/test-server";

const DAY = 86_400;

async function rows(target: TestAuthServer, table: keyof AuthTables): Promise<number> {
  const [row] = await target.instance.server.store.run(({ db, tables }) =>
    db.select({ total: count() }).from(tables[table]),
  );
  return row?.total ?? 0;
}

function prune(target: TestAuthServer) {
  const { store, clock, config } = target.instance.server;
  return pruneExpiredState(store, clock(), config);
}

describe("authorization codes and interactions", () => {
  const server = useTestAuthServer();

  it("keeps a redeemed code while it lives, so its replay still revokes the grant, then deletes it", async () => {
    const authorized = await obtainAuthorizationCode(server);
    const tokens = await json(redeemCode(server, authorized));
    await prune(server);
    expect(await rows(server, "authorizationCodes")).toBe(1);

    // RFC 9700 §4.5: the replay is recognised and ends what the first redemption issued.
    const replay = await redeemCode(server, authorized);
    expect((await json(replay)).error).toBe("invalid_grant");
    expect((await introspect(server, tokens.access_token)).active).toBe(false);

    server.advanceClock(61);
    expect((await prune(server)).deleted.authorizationCodes).toBe(1);
    expect(await rows(server, "authorizationCodes")).toBe(0);
    expect((await json(redeemCode(server, authorized))).error).toBe("invalid_grant");
  });

  it("deletes interactions once expired, completed or not", async () => {
    const client = await registerPublicClient(server);
    await startInteraction(server, {
      clientId: client.clientId,
      redirectUri: client.redirectUri,
      scope: READ_SCOPES,
      resource: MCP_RESOURCE,
      codeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    });
    await obtainAuthorizationCode(server, { client });
    await prune(server);
    const waiting = await rows(server, "interactions");
    expect(waiting).toBeGreaterThanOrEqual(2);
    server.advanceClock(601);
    expect((await prune(server)).deleted.interactions).toBe(waiting);
    expect(await rows(server, "interactions")).toBe(0);
  });
});

describe("refresh tokens, grants and the deny-list", () => {
  const server = useTestAuthServer();

  it("keeps a live family's rotated tokens, so a reuse is still recognised after a prune", async () => {
    const authorized = await obtainAuthorizationCode(server);
    const first = await json(redeemCode(server, authorized));
    const second = await json(refresh(server, authorized.clientId, first.refresh_token));
    const third = await json(refresh(server, authorized.clientId, second.refresh_token));
    // Well past the retry grace, far from any expiry.
    server.advanceClock(3600);
    await prune(server);
    expect(await rows(server, "refreshTokens")).toBe(3);
    const fourth = await json(refresh(server, authorized.clientId, third.refresh_token));

    const reuse = await refresh(server, authorized.clientId, first.refresh_token);
    expect((await json(reuse)).error).toBe("invalid_grant");
    expect((await json(refresh(server, authorized.clientId, fourth.refresh_token))).error).toBe(
      "invalid_grant",
    );

    // The family is revoked: its refresh tokens can go, the grant and the deny-list stay for now.
    const afterRevocation = await prune(server);
    expect(afterRevocation.deleted.refreshTokens).toBe(4);
    expect(await rows(server, "grants")).toBe(1);
    expect(await rows(server, "revokedAccessTokens")).toBe(1);
    expect((await introspect(server, fourth.access_token)).active).toBe(false);

    // Access tokens live 600 s: then their deny-list rows and index rows are no longer needed.
    server.advanceClock(601);
    const afterExpiry = await prune(server);
    expect(afterExpiry.deleted.revokedAccessTokens).toBe(1);
    expect(await rows(server, "grantAccessTokens")).toBe(0);
    expect(await rows(server, "grants")).toBe(1);

    // A refresh token's lifetime after the revocation, nothing of the grant is left to check.
    server.advanceClock(30 * DAY);
    expect((await prune(server)).deleted.grants).toBe(1);
    expect(await rows(server, "grants")).toBe(0);
  });

  it("deletes a live grant's expired refresh tokens and keeps its current one", async () => {
    const authorized = await obtainAuthorizationCode(server);
    const first = await json(redeemCode(server, authorized));
    server.advanceClock(20 * DAY);
    const second = await json(refresh(server, authorized.clientId, first.refresh_token));
    server.advanceClock(11 * DAY);
    // The first token expired (30 days); the second lives until day 50.
    expect((await prune(server)).deleted.refreshTokens).toBe(1);
    expect(await rows(server, "refreshTokens")).toBe(1);
    expect((await refresh(server, authorized.clientId, second.refresh_token)).status).toBe(200);
  });
});

describe("audit retention", () => {
  const server = useTestAuthServer({ AUDIT_RETENTION_DAYS: "7" });

  it("deletes audit rows older than AUDIT_RETENTION_DAYS and records one maintenance.pruned row", async () => {
    const before = await rows(server, "auditEvents");
    expect(before).toBeGreaterThan(0);
    server.advanceClock(7 * DAY + 1);
    await registerPublicClient(server);
    const result = await prune(server);
    expect(result.deleted.auditEvents).toBe(before);
    const left = await server.instance.server.store.run(({ db, tables: { auditEvents } }) =>
      db.select().from(auditEvents).orderBy(auditEvents.id),
    );
    expect(left.map((row) => row.event)).toEqual(["client.registered", "maintenance.pruned"]);
    expect(left[1]?.details).toMatchObject({ deleted: { auditEvents: before } });

    // A run with nothing to delete writes nothing.
    expect((await prune(server)).deleted.auditEvents).toBe(0);
    const [pruned] = await server.instance.server.store.run(({ db, tables: { auditEvents } }) =>
      db
        .select({ total: count() })
        .from(auditEvents)
        .where(eq(auditEvents.event, "maintenance.pruned")),
    );
    expect(pruned?.total).toBe(1);
  });
});

describe("the schedule", () => {
  const server = useTestAuthServer({ PRUNE_INTERVAL_SECONDS: "1" });

  it("prunes every PRUNE_INTERVAL_SECONDS on the server's clock", async () => {
    const authorized = await obtainAuthorizationCode(server);
    expect(await rows(server, "authorizationCodes")).toBe(1);
    server.advanceClock(61);
    await expect
      .poll(() => rows(server, "authorizationCodes"), { timeout: 3000, interval: 100 })
      .toBe(0);
    expect((await json(redeemCode(server, authorized))).error).toBe("invalid_grant");
  });
});
