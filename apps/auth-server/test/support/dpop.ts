// A client's DPoP key and the proofs it signs for /token (RFC 9449 §4.2), as a real client makes them.

import { type DpopClientKey, dpopClientKey } from "@repo/tokens/testing";
import { decodeJwt, type JWTPayload, SignJWT } from "jose";
import type { TestAuthServer } from "./test-server";

export type DpopKey = DpopClientKey;
export const dpopKey = dpopClientKey;

export interface ProofOptions {
  /** Claims to add or replace (undefined removes one). */
  claims?: Record<string, unknown>;
  /** Protected header members to add or replace. */
  header?: Record<string, unknown>;
}

/** A proof for POST /token at this server's issuer, issued now by the server's clock. */
export function tokenProof(
  server: TestAuthServer,
  key: DpopKey,
  options: ProofOptions = {},
): Promise<string> {
  const payload: JWTPayload = {
    jti: crypto.randomUUID(),
    htm: "POST",
    htu: `${server.issuer}/token`,
    iat: Math.floor(server.instance.server.clock().getTime() / 1000),
    ...options.claims,
  };
  return new SignJWT(payload)
    .setProtectedHeader({ alg: "ES256", typ: "dpop+jwt", jwk: key.publicJwk, ...options.header })
    .sign(key.privateKey);
}

/** The cnf claim of an access token this server issued (it is the server's own JWT). */
export function confirmationOf(accessToken: string): unknown {
  return decodeJwt(accessToken).cnf;
}
