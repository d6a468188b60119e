import { trustProxySetting } from "@repo/server-kit/client-address";
import { describe, expect, it } from "vitest";
import { forwardedClientAddress } from "./client-address";

const trust = (value: string) => trustProxySetting.parse(value);

describe("the address sent to the login rate limit", () => {
  it("ignores X-Forwarded-For unless a proxy of ours sets it, since browsers can forge it (spoofed X-Forwarded-For without TRUST_PROXY)", () => {
    expect(forwardedClientAddress("203.0.113.7", trust("false"))).toBeUndefined();
  });

  it("takes the address the trusted proxy appended, not one the browser wrote before it (spoofed leftmost entry with one trusted hop)", () => {
    expect(forwardedClientAddress("198.51.100.1, 203.0.113.7", trust("true"))).toBe("203.0.113.7");
    expect(forwardedClientAddress(" 203.0.113.7 ", trust("1"))).toBe("203.0.113.7");
  });

  it("counts N hops from the right", () => {
    const chain = "192.0.2.66, 198.51.100.1, 10.0.0.2";
    expect(forwardedClientAddress(chain, trust("2"))).toBe("198.51.100.1");
  });

  it("walks past the listed proxies to the first address outside them", () => {
    const chain = "192.0.2.66, 198.51.100.1, 10.0.0.2";
    expect(forwardedClientAddress(chain, trust("10.0.0.0/8"))).toBe("198.51.100.1");
    expect(forwardedClientAddress("198.51.100.1", trust("10.0.0.0/8"))).toBe("198.51.100.1");
  });

  it("sends nothing when there is nothing to send, or garbage where the proxy's entry should be", () => {
    expect(forwardedClientAddress(null, trust("true"))).toBeUndefined();
    expect(forwardedClientAddress(" , ", trust("true"))).toBeUndefined();
    expect(forwardedClientAddress("198.51.100.1, unknown", trust("true"))).toBeUndefined();
  });
});
