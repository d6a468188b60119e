// Grants and what they issue: authorization codes, rotating refresh tokens and the access tokens' ids.
// Tokens and codes are stored only as SHA-256 digests.
//
// What two replicas on one PostgreSQL database (READ COMMITTED) rely on, function by function, is said
// beside each compare-and-set and lock below; on SQLite the same statements run one unit of work at a
// time on the one connection.
import { preparedPerHandle } from "@repo/server-kit/store";
import { and, count, desc, eq, gt, isNotNull, isNull, max, type SQL, sql } from "drizzle-orm";
import { type Executor, forUpdate } from "../db/database";
import type { authorizationCodes, grants, refreshTokens } from "../db/schema.postgres";
import { revokeAccessToken } from "./revoked-access-tokens";

export type GrantRecord = typeof grants.$inferSelect;
export type AuthorizationCodeRecord = typeof authorizationCodes.$inferSelect;
export type RefreshTokenRecord = typeof refreshTokens.$inferSelect;

export async function insertAuthorizationCode(
  { db, tables }: Executor,
  code: typeof authorizationCodes.$inferInsert,
): Promise<void> {
  await db.insert(tables.authorizationCodes).values(code);
}

export async function findAuthorizationCode(
  { db, tables: { authorizationCodes } }: Executor,
  codeDigest: string,
): Promise<AuthorizationCodeRecord | undefined> {
  const [code] = await db
    .select()
    .from(authorizationCodes)
    .where(eq(authorizationCodes.codeDigest, codeDigest));
  return code;
}

/**
 * Compare-and-set on `redeemed_at`: of parallel redemptions of one code, exactly one returns true. One
 * UPDATE … WHERE redeemed_at IS NULL RETURNING: on PostgreSQL a second redemption waits on the row
 * lock of the first and, once it commits, re-checks the condition on the row it wrote and changes
 * nothing, on whichever replica it runs.
 */
export async function markCodeRedeemed(
  { db, tables: { authorizationCodes } }: Executor,
  codeDigest: string,
  now: Date,
): Promise<boolean> {
  const redeemed = await db
    .update(authorizationCodes)
    .set({ redeemedAt: now })
    .where(
      and(eq(authorizationCodes.codeDigest, codeDigest), isNull(authorizationCodes.redeemedAt)),
    )
    .returning({ codeDigest: authorizationCodes.codeDigest });
  return redeemed.length === 1;
}

export async function insertGrant(
  { db, tables }: Executor,
  grant: typeof grants.$inferInsert,
): Promise<GrantRecord> {
  const [inserted] = await db.insert(tables.grants).values(grant).returning();
  if (!inserted) throw new Error("the grant insert returned no row");
  return inserted;
}

export async function findGrant(
  { db, tables }: Executor,
  id: string,
): Promise<GrantRecord | undefined> {
  const [grant] = await db.select().from(tables.grants).where(eq(tables.grants.id, id));
  return grant;
}

/**
 * The grant, locked until the transaction ends (forUpdate): everything that changes a grant's chain
 * (a refresh, a retry, a reuse that revokes it, an administrator's revocation) takes this lock first,
 * so on PostgreSQL they run one after the other per grant and each reads what the previous committed.
 */
export async function lockGrant(x: Executor, id: string): Promise<GrantRecord | undefined> {
  const { grants } = x.tables;
  const [grant] = await forUpdate(x, x.db.select().from(grants).where(eq(grants.id, id)));
  return grant;
}

export async function touchGrant({ db, tables }: Executor, id: string, now: Date): Promise<void> {
  await db.update(tables.grants).set({ lastUsedAt: now }).where(eq(tables.grants.id, id));
}

/** RFC 9449 §5: binds a grant that has no DPoP key yet; a bound grant keeps its key. */
export async function bindGrantToDpopKey(
  { db, tables }: Executor,
  id: string,
  dpopJkt: string,
): Promise<void> {
  await db
    .update(tables.grants)
    .set({ dpopJkt })
    .where(and(eq(tables.grants.id, id), isNull(tables.grants.dpopJkt)));
}

export async function insertRefreshToken(
  { db, tables }: Executor,
  token: typeof refreshTokens.$inferInsert,
): Promise<void> {
  await db.insert(tables.refreshTokens).values(token);
}

// Prepared: every refresh looks its token up, twice (before signing and inside the transaction).
const findRefreshTokenStatement = preparedPerHandle(({ db, tables: { refreshTokens } }: Executor) =>
  db
    .select()
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenDigest, sql.placeholder("tokenDigest")))
    .prepare("auth_find_refresh_token"),
);

export async function findRefreshToken(
  x: Executor,
  tokenDigest: string,
): Promise<RefreshTokenRecord | undefined> {
  const [token] = await findRefreshTokenStatement(x).execute({ tokenDigest });
  return token;
}

/**
 * Compare-and-set on `rotated_at`, so two parallel refreshes with one token cannot both rotate it; a
 * withdrawn token is never rotated. One UPDATE … WHERE … IS NULL RETURNING, as markCodeRedeemed.
 */
export async function markRefreshTokenRotated(
  { db, tables: { refreshTokens } }: Executor,
  tokenDigest: string,
  now: Date,
): Promise<boolean> {
  const rotated = await db
    .update(refreshTokens)
    .set({ rotatedAt: now })
    .where(
      and(
        eq(refreshTokens.tokenDigest, tokenDigest),
        isNull(refreshTokens.rotatedAt),
        isNull(refreshTokens.revokedAt),
      ),
    )
    .returning({ tokenDigest: refreshTokens.tokenDigest });
  return rotated.length === 1;
}

/** Names the token a rotated one was (last) exchanged for, so a retry can tell if it was ever used. */
export async function recordRefreshTokenSuccessor(
  { db, tables: { refreshTokens } }: Executor,
  tokenDigest: string,
  successorDigest: string,
): Promise<void> {
  await db
    .update(refreshTokens)
    .set({ successorDigest })
    .where(eq(refreshTokens.tokenDigest, tokenDigest));
}

/**
 * Withdraws a refresh token that was never used (compare-and-set, one statement as above): false when
 * it has been used or withdrawn already, so a retry cannot replace a successor someone has since
 * redeemed.
 */
export async function withdrawUnusedRefreshToken(
  { db, tables: { refreshTokens } }: Executor,
  tokenDigest: string,
  now: Date,
): Promise<boolean> {
  const withdrawn = await db
    .update(refreshTokens)
    .set({ revokedAt: now })
    .where(
      and(
        eq(refreshTokens.tokenDigest, tokenDigest),
        isNull(refreshTokens.rotatedAt),
        isNull(refreshTokens.revokedAt),
      ),
    )
    .returning({ tokenDigest: refreshTokens.tokenDigest });
  return withdrawn.length === 1;
}

// Prepared: every access token issued for a grant writes one.
const insertGrantAccessTokenStatement = preparedPerHandle(
  ({ db, tables: { grantAccessTokens } }: Executor) =>
    db
      .insert(grantAccessTokens)
      .values({
        jti: sql.placeholder("jti"),
        grantId: sql.placeholder("grantId"),
        expiresAt: sql.placeholder("expiresAt"),
      })
      .prepare("auth_insert_grant_access_token"),
);

export async function recordGrantAccessToken(
  x: Executor,
  token: { jti: string; grantId: string; expiresAt: Date },
): Promise<void> {
  await insertGrantAccessTokenStatement(x).execute(token);
}

/**
 * Ends a grant: no refresh token of it works again, and its unexpired access tokens go on the
 * revocation deny-list (introspection reports them inactive at once; resource servers that verify
 * locally stop accepting them when they expire, at most ACCESS_TOKEN_TTL_SECONDS later).
 * Returns false when the grant was already revoked.
 *
 * The UPDATE is a compare-and-set on `revoked_at` and holds the grant's row lock to the end of the
 * transaction. A token issuance for the grant takes the same lock first (lockGrant), so on PostgreSQL
 * either it committed before, and the SELECT below (a new statement, so a new READ COMMITTED snapshot)
 * finds its access token, or it waits and then finds the grant revoked.
 */
export async function revokeGrant(
  x: Executor,
  grant: Pick<GrantRecord, "id" | "clientId">,
  reason: string,
  now: Date,
): Promise<boolean> {
  const { db, tables } = x;
  const { grants, grantAccessTokens } = tables;
  const changed = await db
    .update(grants)
    .set({ revokedAt: now, revokedReason: reason })
    .where(and(eq(grants.id, grant.id), isNull(grants.revokedAt)))
    .returning({ id: grants.id });
  if (changed.length !== 1) return false;
  const live = await db
    .select()
    .from(grantAccessTokens)
    .where(and(eq(grantAccessTokens.grantId, grant.id), gt(grantAccessTokens.expiresAt, now)));
  for (const token of live) {
    await revokeAccessToken(
      x,
      { jti: token.jti, clientId: grant.clientId, expiresAt: token.expiresAt },
      now,
    );
  }
  return true;
}

/** The live grants a user has given one client (for revoking a consent as a whole). */
export function findActiveGrants(
  { db, tables: { grants } }: Executor,
  key: { userId: string; clientId: string },
): Promise<GrantRecord[]> {
  return db
    .select()
    .from(grants)
    .where(
      and(
        eq(grants.userId, key.userId),
        eq(grants.clientId, key.clientId),
        isNull(grants.revokedAt),
      ),
    );
}

export interface GrantFilter {
  userId?: string | undefined;
  clientId?: string | undefined;
  grantId?: string | undefined;
}

function grantFilterConditions(x: Executor, filter: GrantFilter): SQL[] {
  const { grants } = x.tables;
  const conditions: SQL[] = [];
  if (filter.userId !== undefined) conditions.push(eq(grants.userId, filter.userId));
  if (filter.clientId !== undefined) conditions.push(eq(grants.clientId, filter.clientId));
  if (filter.grantId !== undefined) conditions.push(eq(grants.id, filter.grantId));
  return conditions;
}

/** The live grants matching the filter (a user's, a client's, or one user's at one client). */
export function findLiveGrants(x: Executor, filter: GrantFilter): Promise<GrantRecord[]> {
  const { grants } = x.tables;
  return x.db
    .select()
    .from(grants)
    .where(and(...grantFilterConditions(x, filter), isNull(grants.revokedAt)));
}

/**
 * When a user's grants at each client were last used (a code redeemed or a refresh), revoked grants
 * included: an app whose grants an administrator ended still has a history its owner should see.
 */
export async function lastGrantUseByClient(
  { db, tables: { grants } }: Executor,
  userId: string,
): Promise<Map<string, Date>> {
  const rows = await db
    .select({
      clientId: grants.clientId,
      // max() is typed by the column, but read as the driver's raw value unless mapped again.
      lastUsedAt: max(grants.lastUsedAt).mapWith(grants.lastUsedAt),
    })
    .from(grants)
    .where(eq(grants.userId, userId))
    .groupBy(grants.clientId);
  const lastUse = new Map<string, Date>();
  for (const row of rows) {
    if (row.lastUsedAt !== null) lastUse.set(row.clientId, row.lastUsedAt);
  }
  return lastUse;
}

/**
 * Revokes every live grant matching the filter, as revokeGrant does one (refresh tokens end, access
 * tokens deny-listed). Returns the grants it revoked, for the audit rows; a grant another request
 * revoked meanwhile is left out (revokeGrant's compare-and-set).
 */
export async function revokeLiveGrants(
  x: Executor,
  filter: GrantFilter,
  reason: string,
  now: Date,
): Promise<GrantRecord[]> {
  const revoked: GrantRecord[] = [];
  for (const grant of await findLiveGrants(x, filter)) {
    if (await revokeGrant(x, grant, reason, now)) revoked.push(grant);
  }
  return revoked;
}

export type GrantStatusFilter = "active" | "revoked" | "all";

export interface GrantListing extends GrantRecord {
  userEmail: string;
  clientName: string | null;
  registrationType: string;
  /** When the chain's current, unrotated refresh token expires; null when none is live. */
  refreshTokenExpiresAt: Date | null;
}

export async function listGrants(
  x: Executor,
  query: GrantFilter & { status: GrantStatusFilter; limit: number; offset: number; now: Date },
): Promise<{ items: GrantListing[]; total: number }> {
  const { db, tables } = x;
  const { grants, refreshTokens, users, clients } = tables;
  const conditions = grantFilterConditions(x, query);
  if (query.status === "active") conditions.push(isNull(grants.revokedAt));
  if (query.status === "revoked") conditions.push(isNotNull(grants.revokedAt));
  const where = and(...conditions);
  const liveRefreshTokens = db
    .select({
      grantId: refreshTokens.grantId,
      expiresAt: max(refreshTokens.expiresAt)
        .mapWith(refreshTokens.expiresAt)
        .as("live_expires_at"),
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
  const rows = await db
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
    .offset(query.offset);
  const [counted] = await db.select({ total: count() }).from(grants).where(where);
  return {
    items: rows.map((row) => ({
      ...row.grant,
      userEmail: row.userEmail,
      clientName: row.clientName,
      registrationType: row.registrationType,
      refreshTokenExpiresAt:
        row.grant.revokedAt === null && row.refreshTokenExpiresAt !== null
          ? row.refreshTokenExpiresAt
          : null,
    })),
    total: counted?.total ?? 0,
  };
}

/** How many live grants each key holds (per client or per user), for list pages. */
export async function countLiveGrants(
  { db, tables: { grants } }: Executor,
  by: "clientId" | "userId",
): Promise<Map<string, number>> {
  const column = by === "clientId" ? grants.clientId : grants.userId;
  const rows = await db
    .select({ key: column, total: count() })
    .from(grants)
    .where(isNull(grants.revokedAt))
    .groupBy(column);
  return new Map(rows.map((row) => [row.key, row.total]));
}
