// What the authorization code and refresh token grants share: a user's access token bound to a grant,
// and the next refresh token of the grant's chain.
import { formatScopeParameter } from "@repo/scopes";
import { issueAccessToken } from "@repo/tokens";
import type { Executor } from "../../db/database";
import { randomSecret, secretDigest } from "../../security/secrets";
import type { AuthServer } from "../../server-context";
import { insertRefreshToken, recordGrantAccessToken } from "../../store/grants";
import type { TokenResponse } from "./grant";

export interface SignedAccessToken {
  accessToken: string;
  jti: string;
  expiresAt: Date;
  expiresIn: number;
  scope: string;
  resource: string;
  /** RFC 9449 §5: "DPoP" when the token carries `cnf.jkt`. */
  tokenType: "Bearer" | "DPoP";
}

/** RFC 9449 §6.1: the confirmation claim of a token bound to a DPoP key, and its token_type. */
export function dpopBinding(dpopJkt: string | undefined): {
  cnf?: { jkt: string };
  tokenType: "Bearer" | "DPoP";
} {
  return dpopJkt === undefined
    ? { tokenType: "Bearer" }
    : { cnf: { jkt: dpopJkt }, tokenType: "DPoP" };
}

/**
 * Signs before the database transaction, so the transaction holds its locks (and, on SQLite, the one
 * connection) only for its statements; the token is handed out only if the transaction commits.
 */
export async function signUserAccessToken(
  server: AuthServer,
  grant: { clientId: string; userId: string; resource: string; scopes: readonly string[] },
  dpopJkt: string | undefined,
  now: Date,
): Promise<SignedAccessToken> {
  const { cnf, tokenType } = dpopBinding(dpopJkt);
  const issued = await issueAccessToken({
    signingKey: server.keys.signingKey(),
    issuer: server.config.issuer,
    audience: grant.resource,
    subject: grant.userId,
    clientId: grant.clientId,
    scopes: [...grant.scopes],
    lifetimeSeconds: server.config.accessTokenTtlSeconds,
    cnf,
    now,
  });
  return {
    accessToken: issued.accessToken,
    jti: issued.claims.jti,
    expiresAt: new Date(issued.claims.exp * 1000),
    expiresIn: issued.expiresIn,
    scope: formatScopeParameter(grant.scopes),
    resource: grant.resource,
    tokenType,
  };
}

/** When a grant's refresh token family ends, however often it is rotated (RFC 9700 §4.14.2). */
export function refreshFamilyEndsAt(server: AuthServer, grant: { createdAt: Date }): Date {
  return new Date(grant.createdAt.getTime() + server.config.refreshTokenFamilyMaxSeconds * 1000);
}

/**
 * Records the access token under its grant and, when the client uses refresh tokens, issues the next
 * one, never outliving the family. Returns the new refresh token's digest, so a rotation can name its
 * successor.
 */
export async function completeTokenResponse(
  executor: Executor,
  server: AuthServer,
  grant: { id: string; createdAt: Date },
  accessToken: SignedAccessToken,
  withRefreshToken: boolean,
  now: Date,
): Promise<{ response: TokenResponse; refreshTokenDigest: string | undefined }> {
  await recordGrantAccessToken(executor, {
    jti: accessToken.jti,
    grantId: grant.id,
    expiresAt: accessToken.expiresAt,
  });
  const response: TokenResponse = {
    access_token: accessToken.accessToken,
    token_type: accessToken.tokenType,
    expires_in: accessToken.expiresIn,
    scope: accessToken.scope,
    resource: accessToken.resource,
  };
  if (!withRefreshToken) return { response, refreshTokenDigest: undefined };
  const refreshToken = randomSecret();
  const refreshTokenDigest = secretDigest(refreshToken);
  const slidingEnd = now.getTime() + server.config.refreshTokenTtlSeconds * 1000;
  await insertRefreshToken(executor, {
    tokenDigest: refreshTokenDigest,
    grantId: grant.id,
    createdAt: now,
    expiresAt: new Date(Math.min(slidingEnd, refreshFamilyEndsAt(server, grant).getTime())),
  });
  response.refresh_token = refreshToken;
  return { response, refreshTokenDigest };
}
