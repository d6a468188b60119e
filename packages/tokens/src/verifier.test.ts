// RFC 9068 §4 validation behind a bounded cache of verified claims, tested.

import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it, vi } from "vitest";
import {
  AUDIENCE,
  claimsAt,
  createTestKey,
  ISSUER,
  NOW,
  NOW_SECONDS,
  signWith,
  type TestKey,
} from "../test/fixtures";
import type { AccessTokenKeySource } from "./access-token";
import { AccessTokenError } from "./access-token-error";
import { createLocalKeySet } from "./jwks";
import { toJwks } from "./keys";
import { createAccessTokenVerifier, VerifiedClaimsCache } from "./verifier";

let key: TestKey;

beforeAll(async () => {
  key = await createTestKey();
});

/** A key source that counts lookups: one lookup per real verification. */
function countingKeySource() {
  const keys = createLocalKeySet(toJwks([key]));
  const lookups = vi.fn<AccessTokenKeySource>((header, token) => keys(header, token));
  return lookups;
}

function verifierAt(clock: { now: Date }, keys: AccessTokenKeySource, cacheMaxEntries?: number) {
  return createAccessTokenVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    keys,
    clock: () => clock.now,
    cacheMaxEntries,
  });
}

describe("createAccessTokenVerifier", () => {
  it("answers a repeated token from the cache without verifying it again", async () => {
    const keys = countingKeySource();
    const verifier = verifierAt({ now: NOW }, keys);
    const token = await signWith(key, claimsAt());
    const first = await verifier.verify(token);
    const second = await verifier.verify(token);
    expect(second).toBe(first);
    expect(keys).toHaveBeenCalledTimes(1);
    expect(verifier.cacheSize).toBe(1);
  });

  it("stops answering from the cache when the token expires", async () => {
    const keys = countingKeySource();
    const clock = { now: NOW };
    const verifier = verifierAt(clock, keys);
    const token = await signWith(key, claimsAt({ exp: NOW_SECONDS + 60 }));
    await verifier.verify(token);

    // Still inside exp + the 5 s tolerance: a hit.
    clock.now = new Date((NOW_SECONDS + 64) * 1000);
    await expect(verifier.verify(token)).resolves.toMatchObject({ sub: "user-1" });
    expect(keys).toHaveBeenCalledTimes(1);

    // exp + tolerance reached: the entry is gone and full verification says expired.
    clock.now = new Date((NOW_SECONDS + 65) * 1000);
    await expect(verifier.verify(token)).rejects.toMatchObject({ reason: "expired" });
    expect(keys).toHaveBeenCalledTimes(2);
    expect(verifier.cacheSize).toBe(0);
  });

  it("never caches a failure: a forged token is re-verified (and rejected) every time", async () => {
    const keys = countingKeySource();
    const verifier = verifierAt({ now: NOW }, keys);
    const token = await signWith(key, claimsAt({ aud: "http://elsewhere.example" }));
    await expect(verifier.verify(token)).rejects.toBeInstanceOf(AccessTokenError);
    await expect(verifier.verify(token)).rejects.toBeInstanceOf(AccessTokenError);
    expect(keys).toHaveBeenCalledTimes(2);
    expect(verifier.cacheSize).toBe(0);
  });

  it("keeps at most cacheMaxEntries tokens, evicting the least recently used", async () => {
    const keys = countingKeySource();
    const verifier = verifierAt({ now: NOW }, keys, 2);
    const a = await signWith(key, claimsAt({ jti: "a" }));
    const b = await signWith(key, claimsAt({ jti: "b" }));
    const c = await signWith(key, claimsAt({ jti: "c" }));
    await verifier.verify(a);
    await verifier.verify(b);
    await verifier.verify(a); // a is now the most recently used
    await verifier.verify(c); // evicts b
    expect(verifier.cacheSize).toBe(2);
    expect(keys).toHaveBeenCalledTimes(3);
    await verifier.verify(a);
    expect(keys).toHaveBeenCalledTimes(3);
    await verifier.verify(b);
    expect(keys).toHaveBeenCalledTimes(4);
  });

  it("does not cache at all with cacheMaxEntries 0", async () => {
    const keys = countingKeySource();
    const verifier = verifierAt({ now: NOW }, keys, 0);
    const token = await signWith(key, claimsAt());
    await verifier.verify(token);
    await verifier.verify(token);
    expect(keys).toHaveBeenCalledTimes(2);
    expect(verifier.cacheSize).toBe(0);
  });

  it("hands out frozen claims, so one request cannot alter what the next one sees", async () => {
    const verifier = verifierAt({ now: NOW }, countingKeySource());
    const claims = await verifier.verify(
      await signWith(key, claimsAt({ aud: [AUDIENCE, "http://x"] })),
    );
    expect(Object.isFrozen(claims)).toBe(true);
    expect(Object.isFrozen(claims.aud)).toBe(true);
  });

  it("exposes the issuer and audience it checks", () => {
    const verifier = verifierAt({ now: NOW }, countingKeySource());
    expect(verifier).toMatchObject({ issuer: ISSUER, audience: AUDIENCE });
  });

  it("rejects a negative cache size", () => {
    expect(() => verifierAt({ now: NOW }, countingKeySource(), -1)).toThrow(TypeError);
  });
});

describe("VerifiedClaimsCache", () => {
  it("stores the SHA-256 digest of the token, never the token itself", async () => {
    const cache = new VerifiedClaimsCache(10, 5);
    const token = await signWith(key, claimsAt());
    cache.set(token, {
      iss: ISSUER,
      sub: "s",
      aud: AUDIENCE,
      client_id: "c",
      scope: "",
      jti: "j",
      iat: NOW_SECONDS,
      exp: NOW_SECONDS + 60,
    });
    const digest = createHash("sha256").update(token).digest("base64url");
    expect(cache.digests()).toEqual([digest]);
    expect(cache.digests().join()).not.toContain(token);
    expect(cache.get(token, NOW)).toMatchObject({ sub: "s" });
    expect(cache.get(`${token}x`, NOW)).toBeUndefined();
  });
});
