// Grants and what they issue: authorization codes, rotating refresh tokens and the access tokens' ids.
// Tokens and codes are stored only as SHA-256 digests.
import { and, count, desc, eq, gt, isNotNull, isNull, max, type SQL } from "drizzle-orm";
import type { Executor } from "../db/database";
import {
  authorizationCodes,
  clients,
  grantAccessTokens,
  grants,
  refreshTokens,
  users,
} from "../db/schema";
import { revokeAccessToken } from "./revoked-access-tokens";

export type GrantRecord = typeof grants.$inferSelect;
export type AuthorizationCodeRecord = typeof authorizationCodes.$inferSelect;
export type RefreshTokenRecord = typeof refreshTokens.$inferSelect;

export function insertAuthorizationCode(
  executor: Executor,
  code: typeof authorizationCodes.$inferInsert,
): void {
  executor.insert(authorizationCodes).values(code).run();
}

export function findAuthorizationCode(
  executor: Executor,
  codeDigest: string,
): AuthorizationCodeRecord | undefined {
  return executor
    .select()
    .from(authorizationCodes)
    .where(eq(authorizationCodes.codeDigest, codeDigest))
    .get();
}

/** Compare-and-set on `redeemed_at`: of parallel redemptions of one code, exactly one returns true. */
export function markCodeRedeemed(executor: Executor, codeDigest: string, now: Date): boolean {
  return (
    executor
      .update(authorizationCodes)
      .set({ redeemedAt: now })
      .where(
        and(eq(authorizationCodes.codeDigest, codeDigest), isNull(authorizationCodes.redeemedAt)),
      )
      .run().changes === 1
  );
}

export function insertGrant(executor: Executor, grant: typeof grants.$inferInsert): GrantRecord {
  return executor.insert(grants).values(grant).returning().get();
}

export function findGrant(executor: Executor, id: string): GrantRecord | undefined {
  return executor.select().from(grants).where(eq(grants.id, id)).get();
}

export function touchGrant(executor: Executor, id: string, now: Date): void {
  executor.update(grants).set({ lastUsedAt: now }).where(eq(grants.id, id)).run();
}

export function insertRefreshToken(
  executor: Executor,
  token: typeof refreshTokens.$inferInsert,
): void {
  executor.insert(refreshTokens).values(token).run();
}

export function findRefreshToken(
  executor: Executor,
  tokenDigest: string,
): RefreshTokenRecord | undefined {
  return executor
    .select()
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenDigest, tokenDigest))
    .get();
}

/**
 * Compare-and-set on `rotated_at`, so two parallel refreshes with one token cannot both rotate it; a
 * withdrawn token is never rotated.
 */
export function markRefreshTokenRotated(
  executor: Executor,
  tokenDigest: string,
  now: Date,
): boolean {
  return (
    executor
      .update(refreshTokens)
      .set({ rotatedAt: now })
      .where(
        and(
          eq(refreshTokens.tokenDigest, tokenDigest),
          isNull(refreshTokens.rotatedAt),
          isNull(refreshTokens.revokedAt),
        ),
      )
      .run().changes === 1
  );
}

/** Names the token a rotated one was (last) exchanged for, so a retry can tell if it was ever used. */
export function recordRefreshTokenSuccessor(
  executor: Executor,
  tokenDigest: string,
  successorDigest: string,
): void {
  executor
    .update(refreshTokens)
    .set({ successorDigest })
    .where(eq(refreshTokens.tokenDigest, tokenDigest))
    .run();
}

/**
 * Withdraws a refresh token that was never used (compare-and-set): false when it has been used or
 * withdrawn already, so a retry cannot replace a successor someone has since redeemed.
 */
export function withdrawUnusedRefreshToken(
  executor: Executor,
  tokenDigest: string,
  now: Date,
): boolean {
  return (
    executor
      .update(refreshTokens)
      .set({ revokedAt: now })
      .where(
        and(
          eq(refreshTokens.tokenDigest, tokenDigest),
          isNull(refreshTokens.rotatedAt),
          isNull(refreshTokens.revokedAt),
        ),
      )
      .run().changes === 1
  );
}

export function recordGrantAccessToken(
  executor: Executor,
  token: { jti: string; grantId: string; expiresAt: Date },
): void {
  executor.insert(grantAccessTokens).values(token).run();
}

/**
 * Ends a grant: no refresh token of it works again, and its unexpired access tokens go on the
 * revocation deny-list (introspection reports them inactive at once; resource servers that verify
 * locally stop accepting them when they expire, at most ACCESS_TOKEN_TTL_SECONDS later).
 * Returns false when the grant was already revoked.
 */
export function revokeGrant(
  executor: Executor,
  grant: Pick<GrantRecord, "id" | "clientId">,
  reason: string,
  now: Date,
): boolean {
  const changed =
    executor
      .update(grants)
      .set({ revokedAt: now, revokedReason: reason })
      .where(and(eq(grants.id, grant.id), isNull(grants.revokedAt)))
      .run().changes === 1;
  if (!changed) return false;
  const live = executor
    .select()
    .from(grantAccessTokens)
    .where(and(eq(grantAccessTokens.grantId, grant.id), gt(grantAccessTokens.expiresAt, now)))
    .all();
  for (const token of live) {
    revokeAccessToken(
      executor,
      { jti: token.jti, clientId: grant.clientId, expiresAt: token.expiresAt },
      now,
    );
  }
  return true;
}

/** The live grants a user has given one client (for revoking a consent as a whole). */
export function findActiveGrants(
  executor: Executor,
  key: { userId: string; clientId: string },
): GrantRecord[] {
  return executor
    .select()
    .from(grants)
    .where(
      and(
        eq(grants.userId, key.userId),
        eq(grants.clientId, key.clientId),
        isNull(grants.revokedAt),
      ),
    )
    .all();
}

export interface GrantFilter {
  userId?: string | undefined;
  clientId?: string | undefined;
  grantId?: string | undefined;
}

function grantFilterConditions(filter: GrantFilter): SQL[] {
  const conditions: SQL[] = [];
  if (filter.userId !== undefined) conditions.push(eq(grants.userId, filter.userId));
  if (filter.clientId !== undefined) conditions.push(eq(grants.clientId, filter.clientId));
  if (filter.grantId !== undefined) conditions.push(eq(grants.id, filter.grantId));
  return conditions;
}

/** The live grants matching the filter (a user's, a client's, or one user's at one client). */
export function findLiveGrants(executor: Executor, filter: GrantFilter): GrantRecord[] {
  return executor
    .select()
    .from(grants)
    .where(and(...grantFilterConditions(filter), isNull(grants.revokedAt)))
    .all();
}

/**
 * When a user's grants at each client were last used (a code redeemed or a refresh), revoked grants
 * included: an app whose grants an administrator ended still has a history its owner should see.
 */
export function lastGrantUseByClient(executor: Executor, userId: string): Map<string, Date> {
  const rows = executor
    .select({ clientId: grants.clientId, lastUsedAt: max(grants.lastUsedAt) })
    .from(grants)
    .where(eq(grants.userId, userId))
    .groupBy(grants.clientId)
    .all();
  const lastUse = new Map<string, Date>();
  for (const row of rows) {
    // max() loses drizzle's timestamp mapping: the column holds epoch milliseconds.
    if (row.lastUsedAt !== null) lastUse.set(row.clientId, new Date(Number(row.lastUsedAt)));
  }
  return lastUse;
}

/**
 * Revokes every live grant matching the filter, as revokeGrant does one (refresh tokens end, access
 * tokens deny-listed). Returns the grants it revoked, for the audit rows.
 */
export function revokeLiveGrants(
  executor: Executor,
  filter: GrantFilter,
  reason: string,
  now: Date,
): GrantRecord[] {
  return findLiveGrants(executor, filter).filter((grant) =>
    revokeGrant(executor, grant, reason, now),
  );
}

export type GrantStatusFilter = "active" | "revoked" | "all";

export interface GrantListing extends GrantRecord {
  userEmail: string;
  clientName: string | null;
  registrationType: string;
  /** When the chain's current, unrotated refresh token expires; null when none is live. */
  refreshTokenExpiresAt: Date | null;
}

export function listGrants(
  executor: Executor,
  query: GrantFilter & { status: GrantStatusFilter; limit: number; offset: number; now: Date },
): { items: GrantListing[]; total: number } {
  const conditions = grantFilterConditions(query);
  if (query.status === "active") conditions.push(isNull(grants.revokedAt));
  if (query.status === "revoked") conditions.push(isNotNull(grants.revokedAt));
  const where = and(...conditions);
  const liveRefreshTokens = executor
    .select({
      grantId: refreshTokens.grantId,
      expiresAt: max(refreshTokens.expiresAt).as("live_expires_at"),
    })
    .from(refreshTokens)
    .where(
      and(
        isNull(refreshTokens.rotatedAt),
        isNull(refreshTokens.revokedAt),
        gt(refreshTokens.expiresAt, query.now),
      ),
    )
    .groupBy(refreshTokens.grantId)
    .as("live_refresh_tokens");
  const rows = executor
    .select({
      grant: grants,
      userEmail: users.email,
      clientName: clients.clientName,
      registrationType: clients.registrationType,
      refreshTokenExpiresAt: liveRefreshTokens.expiresAt,
    })
    .from(grants)
    .innerJoin(users, eq(users.id, grants.userId))
    .innerJoin(clients, eq(clients.clientId, grants.clientId))
    .leftJoin(liveRefreshTokens, eq(liveRefreshTokens.grantId, grants.id))
    .where(where)
    .orderBy(desc(grants.lastUsedAt), grants.id)
    .limit(query.limit)
    .offset(query.offset)
    .all();
  const total = executor.select({ total: count() }).from(grants).where(where).get()?.total ?? 0;
  return {
    items: rows.map((row) => ({
      ...row.grant,
      userEmail: row.userEmail,
      clientName: row.clientName,
      registrationType: row.registrationType,
      refreshTokenExpiresAt:
        row.grant.revokedAt === null && row.refreshTokenExpiresAt !== null
          ? new Date(row.refreshTokenExpiresAt as unknown as number)
          : null,
    })),
    total,
  };
}

/** How many live grants each key holds (per client or per user), for list pages. */
export function countLiveGrants(
  executor: Executor,
  by: "clientId" | "userId",
): Map<string, number> {
  const column = by === "clientId" ? grants.clientId : grants.userId;
  const rows = executor
    .select({ key: column, total: count() })
    .from(grants)
    .where(isNull(grants.revokedAt))
    .groupBy(column)
    .all();
  return new Map(rows.map((row) => [row.key, row.total]));
}
