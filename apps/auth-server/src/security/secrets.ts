// Random identifiers and client secrets, and how client secrets are stored and compared.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** 256 bits from the OS CSPRNG, base64url: used for client secrets (and, later, codes and refresh tokens). */
export function randomSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** 128 bits: unguessable but short enough to read in logs and URLs. */
export function randomIdentifier(): string {
  return randomBytes(16).toString("base64url");
}

/**
 * Client secrets are generated with 256 bits of entropy, so a plain SHA-256 digest cannot be reversed by
 * guessing; a slow password KDF here would cap the token endpoint at a few dozen requests per second
 * (measured in docs/benchmarks.md) without adding protection.
 */
export function secretDigest(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("base64url");
}

// Compared against when the client is unknown, so that response time does not reveal which ids exist.
const UNKNOWN_CLIENT_DIGEST = secretDigest(randomSecret());

/** Constant-time comparison of a presented secret with a stored digest (or with nothing at all). */
export function secretMatchesDigest(presented: string, storedDigest: string | null): boolean {
  const expected = Buffer.from(storedDigest ?? UNKNOWN_CLIENT_DIGEST, "base64url");
  const actual = Buffer.from(secretDigest(presented), "base64url");
  return timingSafeEqual(expected, actual) && storedDigest !== null;
}
