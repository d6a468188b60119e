// Nothing grows without bound: expired OAuth state and old audit rows are deleted on a schedule.
import { and, eq, inArray, isNotNull, lt, notExists, or, type SQL, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { AuthServerConfig } from "../config";
import type { Database } from "../db/database";
import {
  auditEvents,
  authorizationCodes,
  grantAccessTokens,
  grants,
  interactions,
  refreshTokens,
  revokedAccessTokens,
} from "../db/schema";
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

function deleteInBatches(
  db: Database,
  table: SQLiteTable,
  condition: SQL | undefined,
): { deleted: number; complete: boolean } {
  let deleted = 0;
  for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
    const chosen = db.select({ rowid: sql`rowid` }).from(table).where(condition).limit(BATCH_SIZE);
    const changes = db.delete(table).where(inArray(sql`rowid`, chosen)).run().changes;
    deleted += changes;
    if (changes < BATCH_SIZE) return { deleted, complete: true };
  }
  return { deleted, complete: false };
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
export function pruneExpiredState(db: Database, now: Date, config: PruneConfig): PruneResult {
  const familyStartedBefore = new Date(now.getTime() - config.refreshTokenFamilyMaxSeconds * 1000);
  const endedGrants = db
    .select({ id: grants.id })
    .from(grants)
    .where(or(isNotNull(grants.revokedAt), lt(grants.createdAt, familyStartedBefore)));
  const idleSince = new Date(now.getTime() - config.refreshTokenTtlSeconds * 1000);
  const retainedSince = new Date(now.getTime() - config.auditRetentionDays * 86_400_000);

  const runs = {
    interactions: deleteInBatches(db, interactions, lt(interactions.expiresAt, now)),
    authorizationCodes: deleteInBatches(
      db,
      authorizationCodes,
      lt(authorizationCodes.expiresAt, now),
    ),
    refreshTokens: deleteInBatches(
      db,
      refreshTokens,
      or(lt(refreshTokens.expiresAt, now), inArray(refreshTokens.grantId, endedGrants)),
    ),
    grantAccessTokens: deleteInBatches(db, grantAccessTokens, lt(grantAccessTokens.expiresAt, now)),
    revokedAccessTokens: deleteInBatches(
      db,
      revokedAccessTokens,
      lt(revokedAccessTokens.expiresAt, now),
    ),
    grants: deleteInBatches(
      db,
      grants,
      and(
        lt(sql`coalesce(${grants.revokedAt}, ${grants.lastUsedAt})`, idleSince.getTime()),
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
      ),
    ),
    auditEvents: deleteInBatches(db, auditEvents, lt(auditEvents.occurredAt, retainedSince)),
  };
  const deleted = Object.fromEntries(
    Object.entries(runs).map(([kind, run]) => [kind, run.deleted]),
  ) as PruneResult["deleted"];
  const total = Object.values(deleted).reduce((sum, count) => sum + count, 0);
  // One row per run that changed something: a quiet server's log is not filled with "nothing to do".
  if (total > 0) {
    recordAuditEvent(
      db,
      { event: "maintenance.pruned", outcome: "success", details: { deleted } },
      now,
    );
  }
  return { deleted, complete: Object.values(runs).every((run) => run.complete) };
}

export interface PruningSchedule {
  stop(): void;
}

/** How soon the next run comes when the last one left rows behind (a backlog after an upgrade). */
const BACKLOG_DELAY_MS = 1000;

/**
 * Prunes now, then every PRUNE_INTERVAL_SECONDS. The timer is unref'd (it never keeps the process
 * alive) and stopped when the server closes; a failed run is reported and retried at the next one.
 */
export function schedulePruning(
  server: { db: Database; config: AuthServerConfig; clock: () => Date },
  reportError: (error: unknown) => void,
): PruningSchedule {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const run = () => {
    let complete = true;
    try {
      complete = pruneExpiredState(server.db, server.clock(), server.config).complete;
    } catch (error) {
      reportError(error);
    }
    if (stopped) return;
    timer = setTimeout(
      run,
      complete ? server.config.pruneIntervalSeconds * 1000 : BACKLOG_DELAY_MS,
    );
    timer.unref();
  };
  run();
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
