// RFC 7517 §5 JWK Sets as a resource server's key source: verify locally, fetch keys rarely.

import { createLocalJWKSet, createRemoteJWKSet, type JWK } from "jose";
import type { AccessTokenKeySource } from "./access-token";
import { toJwks } from "./keys";

export interface RemoteKeySetOptions {
  /** Abort a JWKS fetch after this long. Default 5 000 ms. */
  timeoutMs?: number;
  /** After a fetch, an unknown kid does not trigger another one for this long. Default 30 000 ms. */
  cooldownMs?: number;
  /** Refetch the JWKS once it is this old, even if every kid is known. Default 600 000 ms. */
  cacheMaxAgeMs?: number;
}

/**
 * The authorization server's JWKS, fetched once and kept: every verification is local, and a new
 * kid (a rotation) triggers a refetch at most once per cooldown, so a flood of tokens with made-up
 * kids cannot turn the resource server into a load generator against the authorization server.
 */
export function createRemoteKeySet(
  jwksUrl: string | URL,
  options: RemoteKeySetOptions = {},
): AccessTokenKeySource {
  return createRemoteJWKSet(new URL(jwksUrl), {
    timeoutDuration: options.timeoutMs ?? 5_000,
    cooldownDuration: options.cooldownMs ?? 30_000,
    cacheMaxAge: options.cacheMaxAgeMs ?? 600_000,
  });
}

/** A fixed JWKS, for a resource server that is handed its keys (and for tests). */
export function createLocalKeySet(jwks: { keys: JWK[] }): AccessTokenKeySource {
  // Only public members are kept: a private JWK passed here by mistake must not sit in memory as a
  // verification key (jose would also refuse it).
  return createLocalJWKSet(toJwks(jwks.keys.map((publicJwk) => ({ publicJwk }))));
}
