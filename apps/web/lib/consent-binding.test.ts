import { describe, expect, it } from "vitest";
import {
  BINDING_COOKIE_LIFETIME_SECONDS,
  bindingCookieName,
  bindingCookieOptions,
  interactionBinding,
  isBindingSecret,
  newBindingSecret,
} from "./consent-binding";

describe("the consent page's browser binding", () => {
  it("makes a fresh 256-bit secret for each browser", () => {
    const first = newBindingSecret();
    expect(isBindingSecret(first)).toBe(true);
    expect(Buffer.from(first, "base64url")).toHaveLength(32);
    expect(newBindingSecret()).not.toBe(first);
  });

  it("refuses a cookie value that is not a secret it could have made (a planted short value)", () => {
    for (const value of [
      undefined,
      "",
      "short",
      "a".repeat(42),
      "a".repeat(44),
      `${"a".repeat(42)}=`,
    ]) {
      expect(isBindingSecret(value)).toBe(false);
    }
  });

  it("gives each interaction its own binding, which the API accepts (43 base64url characters)", () => {
    const secret = newBindingSecret();
    const one = interactionBinding(secret, "interaction-1");
    expect(one).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(interactionBinding(secret, "interaction-1")).toBe(one);
    expect(interactionBinding(secret, "interaction-2")).not.toBe(one);
    // Another browser opening the same leaked link presents another value.
    expect(interactionBinding(newBindingSecret(), "interaction-1")).not.toBe(one);
  });

  it("is HttpOnly, SameSite=Lax and Secure with the __Host- prefix on https", () => {
    expect(bindingCookieOptions("https://account.example")).toEqual({
      httpOnly: true,
      sameSite: "lax",
      secure: true,
      path: "/",
      maxAge: BINDING_COOKIE_LIFETIME_SECONDS,
    });
    expect(bindingCookieName("https://account.example")).toBe("__Host-consent-binding");
    expect(bindingCookieOptions("http://localhost:3000").secure).toBe(false);
    expect(bindingCookieName("http://localhost:3000")).toBe("consent-binding");
  });
});
