// Recognising this server's own access tokens at the revocation and introspection endpoints.
import { type AccessTokenClaims, verifyAccessToken } from "@repo/tokens";
import { decodeJwt } from "jose";
import type { AuthServer } from "../server-context";
import { findClient } from "../store/clients";
import { isAccessTokenRevoked } from "../store/revoked-access-tokens";
import { findUserById } from "../store/users";

export type AccessTokenState =
  | { kind: "unknown" }
  | {
      kind: "inactive";
      claims: AccessTokenClaims;
      reason: "revoked" | "client-disabled" | "user-disabled";
    }
  | { kind: "active"; claims: AccessTokenClaims };

/**
 * Verifies a presented token exactly as a resource server would (signature by a published key, `iss`,
 * `typ`, `exp`), for whichever of our resources its `aud` names, then applies what only this server
 * knows: revocations, disabled clients and disabled users. Anything else, malformed or foreign, is
 * "unknown".
 */
export async function lookUpAccessToken(
  server: AuthServer,
  token: string,
): Promise<AccessTokenState> {
  let audience: string | undefined;
  try {
    const { aud } = decodeJwt(token);
    audience = typeof aud === "string" ? aud : undefined;
  } catch {
    return { kind: "unknown" };
  }
  if (!audience || !server.resources.some((resource) => resource.identifier === audience)) {
    return { kind: "unknown" };
  }
  let claims: AccessTokenClaims;
  try {
    claims = await verifyAccessToken(token, {
      issuer: server.config.issuer,
      audience,
      keys: server.keys.keySource(),
      clockToleranceSeconds: 0,
      now: server.clock(),
    });
  } catch {
    return { kind: "unknown" };
  }
  if (await server.store.run((x) => isAccessTokenRevoked(x, claims.jti))) {
    return { kind: "inactive", claims, reason: "revoked" };
  }
  const client = await server.store.run((x) => findClient(x, claims.client_id));
  if (!client || client.disabledAt !== null) {
    return { kind: "inactive", claims, reason: "client-disabled" };
  }
  // A person's token (client credentials tokens name the client itself as subject) ends with the
  // person's account.
  if (claims.sub !== claims.client_id) {
    const user = await server.store.run((x) => findUserById(x, claims.sub));
    if (!user || user.disabledAt !== null) {
      return { kind: "inactive", claims, reason: "user-disabled" };
    }
  }
  return { kind: "active", claims };
}
