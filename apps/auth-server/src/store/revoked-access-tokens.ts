// RFC 7009 revocation of self-contained access tokens: a deny-list of `jti`s kept until the tokens expire.
import { preparedPerHandle } from "@repo/server-kit/store";
import { eq, sql } from "drizzle-orm";
import type { Executor } from "../db/database";

/** Idempotent (ON CONFLICT DO NOTHING): two replicas revoking one token at once both succeed. */
export async function revokeAccessToken(
  { db, tables }: Executor,
  token: { jti: string; clientId: string; expiresAt: Date },
  now: Date,
): Promise<void> {
  await db
    .insert(tables.revokedAccessTokens)
    .values({ ...token, revokedAt: now })
    .onConflictDoNothing();
}

// Prepared: every introspection asks. Never cached in the process: a revocation on another replica
// must be seen by this one's next introspection.
const findRevocationStatement = preparedPerHandle(
  ({ db, tables: { revokedAccessTokens } }: Executor) =>
    db
      .select({ jti: revokedAccessTokens.jti })
      .from(revokedAccessTokens)
      .where(eq(revokedAccessTokens.jti, sql.placeholder("jti")))
      .prepare("auth_find_revoked_access_token"),
);

export async function isAccessTokenRevoked(x: Executor, jti: string): Promise<boolean> {
  const rows = await findRevocationStatement(x).execute({ jti });
  return rows.length > 0;
}
