import { describe, expect, it } from "vitest";
import { randomIdentifier, randomSecret, secretDigest, secretMatchesDigest } from "./secrets";

describe("client secrets", () => {
  it("are 256-bit random values, never repeated", () => {
    const secrets = new Set(Array.from({ length: 1000 }, randomSecret));
    expect(secrets.size).toBe(1000);
    for (const secret of secrets) expect(Buffer.from(secret, "base64url")).toHaveLength(32);
    expect(Buffer.from(randomIdentifier(), "base64url")).toHaveLength(16);
  });

  it("match only their own digest", () => {
    const secret = randomSecret();
    const digest = secretDigest(secret);
    expect(digest).not.toContain(secret);
    expect(secretMatchesDigest(secret, digest)).toBe(true);
    expect(secretMatchesDigest(`${secret}x`, digest)).toBe(false);
    expect(secretMatchesDigest("", digest)).toBe(false);
  });

  it("never match when there is no stored digest (unknown client), whatever is presented", () => {
    expect(secretMatchesDigest("anything", null)).toBe(false);
    expect(secretMatchesDigest("", null)).toBe(false);
  });
});
