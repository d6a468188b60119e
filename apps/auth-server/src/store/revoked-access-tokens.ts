// RFC 7009 revocation of self-contained access tokens: a deny-list of `jti`s kept until the tokens expire.
import { preparedPerExecutor } from "@repo/server-kit/sqlite";
import { eq, sql } from "drizzle-orm";
import type { Executor } from "../db/database";
import { revokedAccessTokens } from "../db/schema";

export function revokeAccessToken(
  executor: Executor,
  token: { jti: string; clientId: string; expiresAt: Date },
  now: Date,
): void {
  executor
    .insert(revokedAccessTokens)
    .values({ ...token, revokedAt: now })
    .onConflictDoNothing()
    .run();
}

const findRevocationStatement = preparedPerExecutor((executor: Executor) =>
  executor
    .select({ jti: revokedAccessTokens.jti })
    .from(revokedAccessTokens)
    .where(eq(revokedAccessTokens.jti, sql.placeholder("jti")))
    .prepare(),
);

export function isAccessTokenRevoked(executor: Executor, jti: string): boolean {
  return findRevocationStatement(executor).get({ jti }) !== undefined;
}
