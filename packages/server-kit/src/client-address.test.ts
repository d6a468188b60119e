import { describe, expect, it } from "vitest";
import {
  NO_TRUSTED_PROXY,
  type RequestOrigin,
  rateLimitKey,
  resolveClientAddress,
  type TrustProxy,
  trustProxySetting,
} from "./client-address";

function trust(value: string | undefined): TrustProxy {
  return trustProxySetting.parse(value);
}

function settingProblem(value: string): string | undefined {
  const parsed = trustProxySetting.safeParse(value);
  return parsed.success ? undefined : parsed.error.issues[0]?.message;
}

const PROXY = "10.0.0.5";
const behindProxy = (headers: Omit<RequestOrigin, "peer">): RequestOrigin => ({
  peer: PROXY,
  ...headers,
});

describe("TRUST_PROXY", () => {
  it.each([undefined, "", "false", "0", " FALSE "])("%j trusts no proxy", (value) => {
    expect(trust(value)).toEqual(NO_TRUSTED_PROXY);
  });

  it("reads true as one hop and a number as that many", () => {
    expect(trust("true")).toEqual({ kind: "hops", hops: 1 });
    expect(trust("1")).toEqual({ kind: "hops", hops: 1 });
    expect(trust("3")).toEqual({ kind: "hops", hops: 3 });
  });

  it("reads a list of addresses and CIDR ranges", () => {
    const list = trust("10.0.0.0/8, 192.0.2.7 ,2001:db8::/32, ::1");
    expect(list).toMatchObject({
      kind: "addresses",
      ranges: ["10.0.0.0/8", "192.0.2.7", "2001:db8::/32", "::1"],
    });
    if (list.kind !== "addresses") throw new Error("unreachable");
    expect(list.trusts("10.200.3.4")).toBe(true);
    expect(list.trusts("::ffff:10.1.1.1")).toBe(true);
    expect(list.trusts("192.0.2.7")).toBe(true);
    expect(list.trusts("192.0.2.8")).toBe(false);
    expect(list.trusts("2001:db8:1::9")).toBe(true);
    expect(list.trusts("2001:db9::1")).toBe(false);
    expect(list.trusts("::1")).toBe(true);
    expect(list.trusts("not an address")).toBe(false);
  });

  it.each([
    ["11", "at most 10 hops"],
    ["yes", '"yes" is not an IP address'],
    ["10.0.0.0/33", '"10.0.0.0/33" is not an IP address'],
    ["10.0.0.1,", '"" is not an IP address'],
    ["127.1", '"127.1" is not an IP address'],
    ["loopback", '"loopback" is not an IP address'],
    ["10.0.0.0/8/8", '"10.0.0.0/8/8" is not an IP address'],
  ])("refuses %j at start", (value, problem) => {
    expect(settingProblem(value)).toContain(problem);
  });
});

describe("resolveClientAddress without TRUST_PROXY", () => {
  it("is the socket's peer, IPv4-mapped addresses as IPv4", () => {
    expect(resolveClientAddress({ peer: "::ffff:198.51.100.7" }, NO_TRUSTED_PROXY)).toBe(
      "198.51.100.7",
    );
    expect(resolveClientAddress({ peer: undefined }, NO_TRUSTED_PROXY)).toBeUndefined();
  });

  it("ignores a spoofed X-Forwarded-For without TRUST_PROXY (address rotation, framing another address)", () => {
    const origin = { peer: "198.51.100.7", forwardedFor: "203.0.113.1, 192.0.2.2" };
    expect(resolveClientAddress(origin, trust(undefined))).toBe("198.51.100.7");
    expect(resolveClientAddress(origin, trust("false"))).toBe("198.51.100.7");
  });

  it("ignores a spoofed Forwarded without TRUST_PROXY", () => {
    const origin = { peer: "198.51.100.7", forwarded: "for=203.0.113.1" };
    expect(resolveClientAddress(origin, NO_TRUSTED_PROXY)).toBe("198.51.100.7");
  });
});

describe("resolveClientAddress with a number of hops", () => {
  it("takes the entry the nearest proxy appended", () => {
    expect(resolveClientAddress(behindProxy({ forwardedFor: "198.51.100.7" }), trust("1"))).toBe(
      "198.51.100.7",
    );
  });

  it("ignores a spoofed leftmost entry with one trusted hop", () => {
    // The client sent "X-Forwarded-For: 203.0.113.66"; the proxy appended the address it saw.
    const origin = behindProxy({ forwardedFor: "203.0.113.66, 198.51.100.7" });
    expect(resolveClientAddress(origin, trust("true"))).toBe("198.51.100.7");
  });

  it("counts two hops from the right, ignoring whatever the client wrote further left", () => {
    const origin = behindProxy({ forwardedFor: "203.0.113.66, 198.51.100.7, 10.0.0.9" });
    expect(resolveClientAddress(origin, trust("2"))).toBe("198.51.100.7");
  });

  it("takes the leftmost entry when the chain is shorter than the hops (each was written by a trusted proxy)", () => {
    expect(resolveClientAddress(behindProxy({ forwardedFor: "198.51.100.7" }), trust("3"))).toBe(
      "198.51.100.7",
    );
    expect(resolveClientAddress(behindProxy({}), trust("2"))).toBe(PROXY);
  });

  it("reads RFC 7239 Forwarded for= with ports, quotes and brackets", () => {
    const origin = behindProxy({
      forwarded: 'for=203.0.113.66;proto=https, For="[2001:db8:cafe::17]:4711";by=10.0.0.5',
    });
    expect(resolveClientAddress(origin, trust("1"))).toBe("2001:db8:cafe::17");
    const ipv4WithPort = behindProxy({ forwarded: 'for="198.51.100.7:51000"' });
    expect(resolveClientAddress(ipv4WithPort, trust("1"))).toBe("198.51.100.7");
  });

  it("does not let a comma inside a quoted Forwarded value add an entry (hop smuggling)", () => {
    const origin = behindProxy({ forwarded: 'for="203.0.113.66, 192.0.2.1"' });
    expect(resolveClientAddress(origin, trust("1"))).toBe(PROXY);
  });

  it.each([
    ["unknown", "198.51.100.7, unknown"],
    ["an obfuscated name", "198.51.100.7, _hidden"],
    ["garbage", "198.51.100.7, <script>"],
    ["an empty entry", "198.51.100.7, "],
    ["a short IPv4 form", "198.51.100.7, 127.1"],
  ])(
    "stops at %s and keeps the trusted address to its right, never a value further left",
    (_, chain) => {
      expect(resolveClientAddress(behindProxy({ forwardedFor: chain }), trust("2"))).toBe(PROXY);
    },
  );

  it("stops at a Forwarded element without for=, or an unterminated quote", () => {
    expect(
      resolveClientAddress(behindProxy({ forwarded: "for=203.0.113.66, proto=https" }), trust("2")),
    ).toBe(PROXY);
    expect(resolveClientAddress(behindProxy({ forwarded: 'for="203.0.113.66' }), trust("1"))).toBe(
      PROXY,
    );
  });

  it("counts a request that carries both X-Forwarded-For and Forwarded under its peer (a header the proxy passed on untouched)", () => {
    const origin = behindProxy({ forwardedFor: "198.51.100.7", forwarded: "for=203.0.113.66" });
    expect(resolveClientAddress(origin, trust("1"))).toBe(PROXY);
  });
});

describe("resolveClientAddress with a list of proxies", () => {
  const proxies = trust("10.0.0.0/8, 2001:db8:ffff::/48");

  it("walks from the right past trusted proxies to the first address outside them", () => {
    const origin = behindProxy({ forwardedFor: "203.0.113.66, 198.51.100.7, 10.1.2.3" });
    expect(resolveClientAddress(origin, proxies)).toBe("198.51.100.7");
  });

  it("ignores Forwarded sent by an untrusted peer", () => {
    const origin = { peer: "198.51.100.7", forwarded: "for=203.0.113.66" };
    expect(resolveClientAddress(origin, proxies)).toBe("198.51.100.7");
  });

  it("ignores X-Forwarded-For sent by an untrusted peer", () => {
    const origin = { peer: "198.51.100.7", forwardedFor: "10.0.0.1" };
    expect(resolveClientAddress(origin, proxies)).toBe("198.51.100.7");
  });

  it("reads Forwarded from a trusted peer", () => {
    const origin = behindProxy({ forwarded: 'for=198.51.100.7, for="[2001:db8:ffff::1]"' });
    expect(resolveClientAddress(origin, proxies)).toBe("198.51.100.7");
  });

  it("ends at the leftmost entry when every hop is a trusted proxy", () => {
    expect(resolveClientAddress(behindProxy({ forwardedFor: "10.9.9.9" }), proxies)).toBe(
      "10.9.9.9",
    );
  });

  it("stops at a malformed entry at the trusted proxy to its right", () => {
    const origin = behindProxy({ forwardedFor: "203.0.113.66, nonsense, 10.1.2.3" });
    expect(resolveClientAddress(origin, proxies)).toBe("10.1.2.3");
  });
});

describe("rateLimitKey", () => {
  it("keeps IPv4 as it is and reads IPv4-mapped IPv6 as IPv4", () => {
    expect(rateLimitKey("198.51.100.7")).toBe("198.51.100.7");
    expect(rateLimitKey("::ffff:198.51.100.7")).toBe("198.51.100.7");
  });

  it("groups IPv6 rotation within one /64 under one key", () => {
    const keys = new Set(
      ["2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:fffe", "2001:0db8:0001:0002:abcd::9"].map(
        rateLimitKey,
      ),
    );
    expect([...keys]).toEqual(["2001:db8:1:2::/64"]);
  });

  it("keeps neighbouring /64s apart", () => {
    expect(rateLimitKey("2001:db8:1:3::1")).not.toBe(rateLimitKey("2001:db8:1:2::1"));
  });
});
