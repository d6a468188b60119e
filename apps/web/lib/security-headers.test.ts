import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, newNonce, STATIC_SECURITY_HEADERS } from "./security-headers";

function directives(policy: string): Map<string, string> {
  return new Map(
    policy.split(";").map((directive) => {
      const [name = "", ...values] = directive.trim().split(/\s+/);
      return [name, values.join(" ")];
    }),
  );
}

describe("security headers", () => {
  it("forbids framing (AS-16) with CSP and X-Frame-Options", () => {
    const policy = directives(
      contentSecurityPolicy({ nonce: "abc", development: false, https: false }),
    );
    expect(policy.get("frame-ancestors")).toBe("'none'");
    expect(STATIC_SECURITY_HEADERS).toContainEqual({ key: "X-Frame-Options", value: "DENY" });
  });

  it("allows scripts and styles only from this origin or with the response's nonce", () => {
    const policy = directives(
      contentSecurityPolicy({ nonce: "abc", development: false, https: false }),
    );
    expect(policy.get("default-src")).toBe("'self'");
    expect(policy.get("script-src")).toBe("'self' 'nonce-abc' 'strict-dynamic'");
    expect(policy.get("style-src")).toBe("'self' 'nonce-abc'");
    expect(policy.get("object-src")).toBe("'none'");
    expect([...policy.values()].join(" ")).not.toContain("unsafe");
  });

  it("leaves out form-action, which would block the 303 to the client's redirect URI", () => {
    const policy = directives(
      contentSecurityPolicy({ nonce: "abc", development: false, https: true }),
    );
    expect(policy.has("form-action")).toBe(false);
    expect(policy.has("upgrade-insecure-requests")).toBe(true);
  });

  it("keeps the interaction id in the URL out of Referer headers sent to other sites", () => {
    expect(STATIC_SECURITY_HEADERS).toContainEqual({
      key: "Referrer-Policy",
      value: "same-origin",
    });
  });

  it("makes a new nonce for every response", () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    expect(nonces.size).toBe(100);
    expect(newNonce()).toMatch(/^[A-Za-z0-9+/]{24}$/);
  });
});
