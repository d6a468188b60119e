// Grants and what they issue: authorization codes, rotating refresh tokens and the access tokens' ids.
// Tokens and codes are stored only as SHA-256 digests (DESIGN.md "Tokens").
import { and, eq, gt, isNull } from "drizzle-orm";
import type { Executor } from "../db/database";
import { authorizationCodes, grantAccessTokens, grants, refreshTokens } from "../db/schema";
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

/** Compare-and-set on `rotated_at`, so two parallel refreshes with one token cannot both succeed. */
export function markRefreshTokenRotated(
  executor: Executor,
  tokenDigest: string,
  now: Date,
): boolean {
  return (
    executor
      .update(refreshTokens)
      .set({ rotatedAt: now })
      .where(and(eq(refreshTokens.tokenDigest, tokenDigest), isNull(refreshTokens.rotatedAt)))
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
