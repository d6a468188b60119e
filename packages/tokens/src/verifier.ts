// RFC 9068 §4 validation for a resource server, with a bounded cache of verified claims.

import { createHash } from "node:crypto";
import {
  type AccessTokenClaims,
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  type VerifyAccessTokenOptions,
  verifyAccessToken,
} from "./access-token";

/** Entries kept by default: enough for the tokens of every active client of one MCP server. */
export const DEFAULT_CACHE_MAX_ENTRIES = 1000;

// The cache is keyed by a digest so that a heap dump or a debugger never shows a usable bearer
// token, and SHA-256 of the whole token so two tokens can only share an entry if they are identical.
function tokenDigest(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

function freezeClaims(claims: AccessTokenClaims): AccessTokenClaims {
  if (Array.isArray(claims.aud)) Object.freeze(claims.aud);
  return Object.freeze(claims);
}

/**
 * Least-recently-used claims of tokens that verified, each valid only until its `exp` (plus the clock
 * tolerance jose applies). Takes tokens, stores only their digests.
 */
export class VerifiedClaimsCache {
  readonly #entries = new Map<string, AccessTokenClaims>();

  constructor(
    readonly maxEntries: number,
    readonly clockToleranceSeconds: number,
  ) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 0) {
      throw new TypeError("cacheMaxEntries must be a non-negative integer");
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The digests the cache is keyed by, least recently used first. */
  digests(): string[] {
    return [...this.#entries.keys()];
  }

  get(token: string, now: Date): AccessTokenClaims | undefined {
    if (this.#entries.size === 0) return undefined;
    const digest = tokenDigest(token);
    const claims = this.#entries.get(digest);
    if (claims === undefined) return undefined;
    this.#entries.delete(digest);
    // Same rule as jose's exp check, so a cached token expires at the very second an uncached one
    // would: exp <= now - tolerance is expired.
    if (claims.exp <= Math.floor(now.getTime() / 1000) - this.clockToleranceSeconds)
      return undefined;
    this.#entries.set(digest, claims);
    return claims;
  }

  set(token: string, claims: AccessTokenClaims): void {
    if (this.maxEntries === 0) return;
    const digest = tokenDigest(token);
    this.#entries.delete(digest);
    this.#entries.set(digest, claims);
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.maxEntries) break;
      this.#entries.delete(oldest);
    }
  }
}

export interface AccessTokenVerifierOptions extends VerifyAccessTokenOptions {
  /** Verified tokens to remember (LRU); 0 disables the cache. Defaults to 1000. */
  cacheMaxEntries?: number;
  /** The time checks run against; defaults to `now`, else the system clock. */
  clock?: () => Date;
}

export interface AccessTokenVerifier {
  readonly issuer: string;
  readonly audience: string;
  verify(token: string): Promise<AccessTokenClaims>;
  readonly cacheSize: number;
}

/**
 * verifyAccessToken with an optional LRU cache of verified claims. One ES256 verification costs
 * about 200 µs; a hit costs one SHA-256. Entries are keyed by the token's digest, live until the
 * token's exp (re-checked on every hit), and only successes are cached. Cached claims are frozen:
 * they are shared by every request that presents the same token.
 */
export function createAccessTokenVerifier(
  options: AccessTokenVerifierOptions,
): AccessTokenVerifier {
  const { cacheMaxEntries = DEFAULT_CACHE_MAX_ENTRIES, clock, ...verifyOptions } = options;
  const clockToleranceSeconds =
    verifyOptions.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  const cache = new VerifiedClaimsCache(cacheMaxEntries, clockToleranceSeconds);
  const currentTime = clock ?? (() => verifyOptions.now ?? new Date());

  return {
    issuer: verifyOptions.issuer,
    audience: verifyOptions.audience,
    async verify(token) {
      const now = currentTime();
      const cached = cache.get(token, now);
      if (cached !== undefined) return cached;
      const claims = freezeClaims(
        await verifyAccessToken(token, { ...verifyOptions, clockToleranceSeconds, now }),
      );
      cache.set(token, claims);
      return claims;
    },
    get cacheSize() {
      return cache.size;
    },
  };
}
