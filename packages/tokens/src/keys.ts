// RFC 7517 JSON Web Keys for ES256 (RFC 7518 §3.4) access-token signing, RFC 7638 key ids, and rotation.

import { createPrivateKey, type KeyObject } from "node:crypto";
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
} from "jose";

/** The only algorithm this project signs or accepts access tokens with. */
export const ACCESS_TOKEN_ALGORITHM = "ES256";

/**
 * What a resource server accepts (RFC 9068 §4: the algorithms it is configured for). Our
 * authorization server signs with ES256 only; RS256 is what most others (Keycloak, Auth0, Entra ID)
 * sign with by default, so an MCP server protected by one of them verifies its tokens too. Both are
 * asymmetric: jose refuses a key whose type does not match the header's `alg`, and anything else,
 * `none` and HS256 (the public key used as an HMAC secret) included, is refused before a key is read.
 */
export const ACCESS_TOKEN_VERIFICATION_ALGORITHMS: readonly string[] = Object.freeze([
  ACCESS_TOKEN_ALGORITHM,
  "RS256",
]);

const KEY_TYPE = "EC";
const CURVE = "P-256";
const PUBLIC_KEY_USE = "sig";

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  /**
   * The same private key for node:crypto, which signs ES256 about three times as fast as Web Crypto
   * (docs/benchmarks.md): access tokens are signed with this one (access-token.ts).
   */
  nodePrivateKey: KeyObject;
  /** The public half as published in the JWKS: kty, crv, x, y, kid, alg "ES256", use "sig". */
  publicJwk: JWK;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

// Built member by member so nothing the runtime exported beyond the key itself (ext, key_ops)
// reaches the JWKS; `alg` and `use` pin the key to ES256 signatures (RFC 7517 §4.2, §4.4).
function publicJwkOf(jwk: JWK, kid: string): JWK {
  return {
    kty: KEY_TYPE,
    crv: CURVE,
    x: jwk.x,
    y: jwk.y,
    kid,
    alg: ACCESS_TOKEN_ALGORITHM,
    use: PUBLIC_KEY_USE,
  };
}

/**
 * A new ES256 key pair. The kid is the RFC 7638 SHA-256 thumbprint of the public key, so it is
 * derived from the key itself and two keys can never share one. The private JWK is returned so the
 * caller can encrypt and persist it; it carries kid, alg and use like the public one.
 */
export async function generateSigningKey(): Promise<{
  kid: string;
  publicJwk: JWK;
  privateJwk: JWK;
}> {
  const { privateKey } = await generateKeyPair(ACCESS_TOKEN_ALGORITHM, { extractable: true });
  const exported = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(
    { kty: KEY_TYPE, crv: CURVE, x: exported.x, y: exported.y },
    "sha256",
  );
  const publicJwk = publicJwkOf(exported, kid);
  return { kid, publicJwk, privateJwk: { ...publicJwk, d: exported.d } };
}

/**
 * Imports a persisted private JWK for signing. Rejects anything but a P-256 EC private key with a
 * kid, and keys pinned to another algorithm or use. The CryptoKey is not extractable.
 */
export async function importSigningKey(privateJwk: JWK): Promise<SigningKey> {
  if (privateJwk.kty !== KEY_TYPE || privateJwk.crv !== CURVE) {
    throw new TypeError("an ES256 signing key must be an EC key on the P-256 curve");
  }
  if (!isNonEmptyString(privateJwk.d)) {
    throw new TypeError("a signing key must be a private key (the JWK has no d)");
  }
  if (!isNonEmptyString(privateJwk.x) || !isNonEmptyString(privateJwk.y)) {
    throw new TypeError("a signing key must carry its public coordinates x and y");
  }
  if (!isNonEmptyString(privateJwk.kid)) {
    throw new TypeError("a signing key must have a kid, or tokens could not name their key");
  }
  if (privateJwk.alg !== undefined && privateJwk.alg !== ACCESS_TOKEN_ALGORITHM) {
    throw new TypeError(`a signing key must be for ${ACCESS_TOKEN_ALGORITHM}`);
  }
  if (privateJwk.use !== undefined && privateJwk.use !== PUBLIC_KEY_USE) {
    throw new TypeError('a signing key must have use "sig"');
  }
  // Web Crypto rejects a d that does not belong to x and y, so the published public key is
  // guaranteed to verify what this private key signs.
  const privateKey = await importJWK(
    { kty: KEY_TYPE, crv: CURVE, x: privateJwk.x, y: privateJwk.y, d: privateJwk.d },
    ACCESS_TOKEN_ALGORITHM,
    { extractable: false },
  );
  const nodePrivateKey = createPrivateKey({
    key: { kty: KEY_TYPE, crv: CURVE, x: privateJwk.x, y: privateJwk.y, d: privateJwk.d },
    format: "jwk",
  });
  return {
    kid: privateJwk.kid,
    privateKey,
    nodePrivateKey,
    publicJwk: publicJwkOf(privateJwk, privateJwk.kid),
  };
}

export interface KeyLifecycle {
  kid: string;
  publicJwk: JWK;
  createdAt: Date;
  /** When the key stopped signing; null while it is the current key (or waiting to become it). */
  retiredAt: Date | null;
}

export interface KeyPublicationPolicy {
  now: Date;
  /** The longest lifetime any access token signed by these keys can have. */
  maxTokenLifetimeSeconds: number;
  /** The clock tolerance resource servers apply to `exp`. */
  clockToleranceSeconds: number;
}

// Ties on createdAt are ordered by kid so the published JWKS is stable between requests.
function compareKids(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Which public keys a JWKS must publish at `now`: every key not retired, plus every retired key that
 * may still have signed an unexpired token (retiredAt + maxTokenLifetime + clockTolerance > now).
 * Newest first.
 */
export function publishableKeys(
  keys: readonly KeyLifecycle[],
  policy: KeyPublicationPolicy,
): KeyLifecycle[] {
  // A token signed the instant before retirement is accepted until its exp plus the resource
  // servers' tolerance; dropping its key earlier would reject a valid token, keeping it longer
  // only widens the window in which a leaked retired key is still trusted.
  const overlapMs = (policy.maxTokenLifetimeSeconds + policy.clockToleranceSeconds) * 1000;
  const nowMs = policy.now.getTime();
  return keys
    .filter((key) => key.retiredAt === null || key.retiredAt.getTime() + overlapMs > nowMs)
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || compareKids(a.kid, b.kid));
}

// Public members a JWK may carry (RFC 7517 §4, RFC 7518 §6.2.1 / §6.3.1, RFC 8037 §2). Anything
// else, above all the private d, p, q, dp, dq, qi, k, is never published.
const PUBLIC_JWK_MEMBERS = ["kty", "kid", "use", "alg", "crv", "x", "y", "n", "e"] as const;

/** An RFC 7517 §5 JWK Set holding only the public members of each key. */
export function toJwks(keys: readonly { publicJwk: JWK }[]): { keys: JWK[] } {
  return {
    keys: keys.map(({ publicJwk }) => {
      const jwk: JWK = {};
      for (const member of PUBLIC_JWK_MEMBERS) {
        const value = publicJwk[member];
        if (value !== undefined) Object.assign(jwk, { [member]: value });
      }
      return jwk;
    }),
  };
}
