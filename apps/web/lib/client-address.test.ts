import { describe, expect, it } from "vitest";
import { forwardedClientAddress } from "./client-address";

describe("the address sent to the login rate limit", () => {
  it("ignores X-Forwarded-For unless a proxy of ours sets it, since browsers can forge it", () => {
    expect(forwardedClientAddress("203.0.113.7", false)).toBeUndefined();
  });

  it("takes the address the trusted proxy appended, not one the browser wrote before it", () => {
    expect(forwardedClientAddress("198.51.100.1, 203.0.113.7", true)).toBe("203.0.113.7");
    expect(forwardedClientAddress(" 203.0.113.7 ", true)).toBe("203.0.113.7");
  });

  it("sends nothing when there is nothing to send", () => {
    expect(forwardedClientAddress(null, true)).toBeUndefined();
    expect(forwardedClientAddress(" , ", true)).toBeUndefined();
  });
});
