// Nothing grows without bound: expired OAuth state and old audit rows are deleted on a schedule.
import { and, eq, inArray, isNotNull, lt, notExists, or, type SQL, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { AuthServerConfig } from "../config";
import type { AuthStore, Executor } from "../db/database";
import { recordAuditEvent } from "../store/audit";

/** Rows per DELETE: each batch is its own short write, so requests are not held up behind a backlog. */
const BATCH_SIZE = 500;
/** Per kind and run; what is left waits for the next run, which then comes soon (see schedulePruning). */
const MAX_BATCHES_PER_RUN = 100;

export interface PruneResult {
  deleted: {
    interactions: number;
    authorizationCodes: number;
    refreshTokens: number;
    grantAccessTokens: number;
    revokedAccessTokens: number;
    grants: number;
    auditEvents: number;
  };
  /** False when a kind hit the per-run cap and rows remain to delete. */
  complete: boolean;
}

type PruneConfig = Pick<
  AuthServerConfig,
  "refreshTokenTtlSeconds" | "refreshTokenFamilyMaxSeconds" | "auditRetentionDays"
>;

async function deleteInBatches(
  store: AuthStore,
  table: (x: Executor) => PgTable,
  condition: (x: Executor) => SQL | undefined,
): Promise<{ deleted: number; complete: boolean }> {
  let deleted = 0;
  for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
    const changes = await store.run(async (x) => {
      // The physical row id, which every table has whatever its key: SQLite's rowid, PostgreSQL's ctid.
      const rowId = x.dialect === "postgres" ? sql`ctid` : sql`rowid`;
      const chosen = x.db.select({ rowId }).from(table(x)).where(condition(x)).limit(BATCH_SIZE);
      const removed = await x.db
        .delete(table(x))
        .where(inArray(rowId, chosen))
        .returning({ one: sql`1` });
      return removed.length;
    });
    deleted += changes;
    if (changes < BATCH_SIZE) return { deleted, complete: true };
  }
  return { deleted, complete: false };
}

/** A moment as a bare SQL parameter: SQLite stores epoch milliseconds, PostgreSQL a timestamptz. */
function moment(x: Executor, at: Date): number | string {
  return x.dialect === "postgres" ? at.toISOString() : at.getTime();
}

/**
 * Deletes what no request can need any more. Each rule keeps what a security check still reads:
 * - interactions, once expired (completed or not): a stale consent page then answers 404, not 410.
 * - authorization codes, once expired, redeemed or not. Within its 60 seconds a replayed code still
 *   finds its row and revokes its grant (OAuth 2.1 §4.1.3); after them a replay gets invalid_grant.
 * - refresh tokens, once expired, or once their grant is revoked or their family has ended: nothing
 *   of those grants can be refreshed again. A rotated or withdrawn token of a live family is kept to
 *   its own expiry (never later than the family's end), because reuse detection (RFC 9700 §4.14.2)
 *   must recognise it when it comes back.
 * - the grant-to-access-token index and the revocation deny-list, once the access token expired.
 * - grants with nothing left to check (no refresh token, no unexpired access token) whose revocation
 *   or last use is older than a refresh token's lifetime, the longest any token of theirs lived.
 * - audit rows older than AUDIT_RETENTION_DAYS.
 */
export async function pruneExpiredState(
  store: AuthStore,
  now: Date,
  config: PruneConfig,
): Promise<PruneResult> {
  const familyStartedBefore = new Date(now.getTime() - config.refreshTokenFamilyMaxSeconds * 1000);
  const idleSince = new Date(now.getTime() - config.refreshTokenTtlSeconds * 1000);
  const retainedSince = new Date(now.getTime() - config.auditRetentionDays * 86_400_000);

  // One kind after the other; each batch is its own statement, so two replicas pruning at once
  // only delete what the other has not (a row already gone is simply not chosen again).
  const runs = {
    interactions: await deleteInBatches(
      store,
      (x) => x.tables.interactions,
      ({ tables: { interactions } }) => lt(interactions.expiresAt, now),
    ),
    authorizationCodes: await deleteInBatches(
      store,
      (x) => x.tables.authorizationCodes,
      ({ tables: { authorizationCodes } }) => lt(authorizationCodes.expiresAt, now),
    ),
    refreshTokens: await deleteInBatches(
      store,
      (x) => x.tables.refreshTokens,
      ({ db, tables: { refreshTokens, grants } }) =>
        or(
          lt(refreshTokens.expiresAt, now),
          inArray(
            refreshTokens.grantId,
            db
              .select({ id: grants.id })
              .from(grants)
              .where(or(isNotNull(grants.revokedAt), lt(grants.createdAt, familyStartedBefore))),
          ),
        ),
    ),
    grantAccessTokens: await deleteInBatches(
      store,
      (x) => x.tables.grantAccessTokens,
      ({ tables: { grantAccessTokens } }) => lt(grantAccessTokens.expiresAt, now),
    ),
    revokedAccessTokens: await deleteInBatches(
      store,
      (x) => x.tables.revokedAccessTokens,
      ({ tables: { revokedAccessTokens } }) => lt(revokedAccessTokens.expiresAt, now),
    ),
    grants: await deleteInBatches(
      store,
      (x) => x.tables.grants,
      (x) => {
        const { db, tables } = x;
        const { grants, refreshTokens, grantAccessTokens } = tables;
        return and(
          lt(sql`coalesce(${grants.revokedAt}, ${grants.lastUsedAt})`, moment(x, idleSince)),
          notExists(
            db
              .select({ one: sql`1` })
              .from(refreshTokens)
              .where(eq(refreshTokens.grantId, grants.id)),
          ),
          notExists(
            db
              .select({ one: sql`1` })
              .from(grantAccessTokens)
              .where(eq(grantAccessTokens.grantId, grants.id)),
          ),
        );
      },
    ),
    auditEvents: await deleteInBatches(
      store,
      (x) => x.tables.auditEvents,
      ({ tables: { auditEvents } }) => lt(auditEvents.occurredAt, retainedSince),
    ),
  };
  const deleted = Object.fromEntries(
    Object.entries(runs).map(([kind, run]) => [kind, run.deleted]),
  ) as PruneResult["deleted"];
  const total = Object.values(deleted).reduce((sum, count) => sum + count, 0);
  // One row per run that changed something: a quiet server's log is not filled with "nothing to do".
  if (total > 0) {
    await store.run((x) =>
      recordAuditEvent(
        x,
        { event: "maintenance.pruned", outcome: "success", details: { deleted } },
        now,
      ),
    );
  }
  return { deleted, complete: Object.values(runs).every((run) => run.complete) };
}

export interface PruningSchedule {
  /** Cancels the next run and resolves once a run in progress has finished (before the store closes). */
  stop(): Promise<void>;
}

/** How soon the next run comes when the last one left rows behind (a backlog after an upgrade). */
const BACKLOG_DELAY_MS = 1000;

/**
 * Prunes now, then every PRUNE_INTERVAL_SECONDS. The timer is unref'd (it never keeps the process
 * alive) and stopped when the server closes; a failed run is reported and retried at the next one.
 */
export function schedulePruning(
  server: { store: AuthStore; config: AuthServerConfig; clock: () => Date },
  reportError: (error: unknown) => void,
): PruningSchedule {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const run = async () => {
    let complete = true;
    try {
      complete = (await pruneExpiredState(server.store, server.clock(), server.config)).complete;
    } catch (error) {
      reportError(error);
    }
    if (stopped) return;
    timer = setTimeout(
      () => {
        running = run();
      },
      complete ? server.config.pruneIntervalSeconds * 1000 : BACKLOG_DELAY_MS,
    );
    timer.unref();
  };
  running = run();
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      return running;
    },
  };
}
