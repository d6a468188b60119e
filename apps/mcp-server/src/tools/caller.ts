// Who is calling a tool, as the verified access token says (RFC 9068 §2.2 claims).
import type { AccessTokenClaims } from "@repo/tokens";
import { scopesOf } from "@repo/tokens";

export interface Caller {
  /** The person the token acts for, or the client itself for client credentials. */
  subject: string;
  clientId: string;
  scopes: readonly string[];
  /** The raw scope claim, as audit rows record it. */
  scope: string;
  issuer: string;
  audience: readonly string[];
  issuedAt: Date;
  expiresAt: Date;
  /**
   * Whether a person stands behind the token. The client credentials grant issues tokens whose `sub`
   * is the client's own id (RFC 9068 §2.2, DESIGN.md "Tokens"); every other grant names a user.
   */
  actsForUser: boolean;
}

export function callerFrom(claims: AccessTokenClaims): Caller {
  return {
    subject: claims.sub,
    clientId: claims.client_id,
    scopes: scopesOf(claims),
    scope: claims.scope,
    issuer: claims.iss,
    audience: Array.isArray(claims.aud) ? claims.aud : [claims.aud],
    issuedAt: new Date(claims.iat * 1000),
    expiresAt: new Date(claims.exp * 1000),
    actsForUser: claims.sub !== claims.client_id,
  };
}
