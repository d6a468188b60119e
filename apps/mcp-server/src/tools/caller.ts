// Who is calling a tool, as the verified access token says (RFC 9068 §2.2 claims).
import type { AccessTokenClaims } from "@repo/tokens";
import { issuedScopeOf, sortScopes } from "../oauth/known-scopes";

export interface Caller {
  /** The person the token acts for, or the client itself for client credentials. */
  subject: string;
  clientId: string;
  /** The token's scopes the catalogue knows: the only ones any check honours. */
  scopes: readonly string[];
  /** The token's other scopes (`mcp:*`, say): carried, recorded, and ignored. */
  ignoredScopes: readonly string[];
  /** The raw scope claim as issued, as audit rows record it. */
  scope: string;
  issuer: string;
  audience: readonly string[];
  issuedAt: Date;
  expiresAt: Date;
  /**
   * Whether a person stands behind the token. The client credentials grant issues tokens whose `sub`
   * is the client's own id (RFC 9068 §2.2); every other grant names a user.
   */
  actsForUser: boolean;
}

export function callerFrom(claims: AccessTokenClaims): Caller {
  const scope = issuedScopeOf(claims);
  const { honoured, ignored } = sortScopes(scope);
  return {
    subject: claims.sub,
    clientId: claims.client_id,
    scopes: honoured,
    ignoredScopes: ignored,
    scope,
    issuer: claims.iss,
    audience: Array.isArray(claims.aud) ? claims.aud : [claims.aud],
    issuedAt: new Date(claims.iat * 1000),
    expiresAt: new Date(claims.exp * 1000),
    actsForUser: claims.sub !== claims.client_id,
  };
}
