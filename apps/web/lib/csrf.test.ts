import { describe, expect, it } from "vitest";
import { csrfToken, isSameOriginRequest, isValidCsrfToken } from "./csrf";

const secret = "csrf-secret-of-one-session-0123456789";
const consent = { form: "consent", interactionId: "interaction-1" } as const;

describe("CSRF tokens", () => {
  it("accepts the token issued for the same session and interaction", () => {
    expect(isValidCsrfToken(secret, consent, csrfToken(secret, consent))).toBe(true);
  });

  it("rejects a token from another session", () => {
    const token = csrfToken("another-session-secret-0123456789abcd", consent);
    expect(isValidCsrfToken(secret, consent, token)).toBe(false);
  });

  it("rejects a token issued for another interaction", () => {
    const token = csrfToken(secret, { form: "consent", interactionId: "interaction-2" });
    expect(isValidCsrfToken(secret, consent, token)).toBe(false);
  });

  it("rejects a sign-out token on the consent form", () => {
    expect(isValidCsrfToken(secret, consent, csrfToken(secret, { form: "sign-out" }))).toBe(false);
  });

  it("keeps the session-ended link apart from the sign-out form (a printed link cannot forge a sign-out, nor the reverse)", () => {
    const ended = { form: "session-ended" } as const;
    const signOut = { form: "sign-out" } as const;
    expect(isValidCsrfToken(secret, ended, csrfToken(secret, ended))).toBe(true);
    expect(isValidCsrfToken(secret, ended, csrfToken(secret, signOut))).toBe(false);
    expect(isValidCsrfToken(secret, signOut, csrfToken(secret, ended))).toBe(false);
    expect(
      isValidCsrfToken("another-session-secret-0123456789abcd", ended, csrfToken(secret, ended)),
    ).toBe(false);
  });

  it("rejects a missing, empty, truncated or non-string token", () => {
    const token = csrfToken(secret, consent);
    for (const presented of [undefined, null, "", token.slice(0, -1), `${token}x`, 42]) {
      expect(isValidCsrfToken(secret, consent, presented)).toBe(false);
    }
  });
});

describe("CSRF tokens of console actions", () => {
  const revoke = {
    form: "action",
    endpoint: "/admin/grants/actions",
    action: "revoke",
    target: "grant-1",
  } as const;

  it("accepts the token printed for the same action on the same target", () => {
    expect(isValidCsrfToken(secret, revoke, csrfToken(secret, revoke))).toBe(true);
  });

  it("rejects a token for another target or another action (a leaked token does one thing)", () => {
    const token = csrfToken(secret, revoke);
    expect(isValidCsrfToken(secret, { ...revoke, target: "grant-2" }, token)).toBe(false);
    expect(isValidCsrfToken(secret, { ...revoke, action: "delete" }, token)).toBe(false);
    expect(isValidCsrfToken(secret, { form: "sign-out" }, token)).toBe(false);
  });

  it("rejects a token printed for the same action and target on another form (cross-form replay)", () => {
    const createClient = {
      form: "action",
      endpoint: "/admin/clients/actions",
      action: "create",
      target: "new",
    } as const;
    const token = csrfToken(secret, createClient);
    expect(isValidCsrfToken(secret, createClient, token)).toBe(true);
    expect(
      isValidCsrfToken(secret, { ...createClient, endpoint: "/admin/users/actions" }, token),
    ).toBe(false);
  });

  it("does not confuse an action and target with a consent for an interaction of the same text", () => {
    const token = csrfToken(secret, {
      form: "consent",
      interactionId: "/admin/grants/actions\u0000revoke\u0000grant-1",
    });
    expect(isValidCsrfToken(secret, revoke, token)).toBe(false);
  });
});

describe("same-origin check", () => {
  const webUrl = "http://localhost:3000";
  const request = (headers: Record<string, string>) => new Headers(headers);

  it("accepts a POST from the app's own origin", () => {
    expect(
      isSameOriginRequest(
        request({ origin: "http://localhost:3000", "sec-fetch-site": "same-origin" }),
        webUrl,
      ),
    ).toBe(true);
  });

  it("leaves a request without Origin to the CSRF token", () => {
    expect(isSameOriginRequest(request({}), webUrl)).toBe(true);
  });

  it("rejects a POST from another origin, including another port of the same host", () => {
    for (const origin of ["https://attacker.example", "http://localhost:3001", "null"]) {
      expect(isSameOriginRequest(request({ origin }), webUrl)).toBe(false);
    }
  });

  it("rejects a request the browser marks as cross-site even without Origin", () => {
    expect(isSameOriginRequest(request({ "sec-fetch-site": "cross-site" }), webUrl)).toBe(false);
    expect(isSameOriginRequest(request({ "sec-fetch-site": "same-site" }), webUrl)).toBe(false);
  });
});
