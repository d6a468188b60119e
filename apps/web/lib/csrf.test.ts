import { describe, expect, it } from "vitest";
import { isSameOriginPost, isValidSessionEndedToken, sessionEndedToken } from "./csrf";

const secret = "csrf-secret-of-one-session-0123456789";

describe("the session-ended link's token", () => {
  it("accepts the token printed for the same session", () => {
    expect(isValidSessionEndedToken(secret, sessionEndedToken(secret))).toBe(true);
  });

  it("rejects a token from another session (a link printed for one person signs out no other)", () => {
    const token = sessionEndedToken("another-session-secret-0123456789abcd");
    expect(isValidSessionEndedToken(secret, token)).toBe(false);
  });

  it("rejects a missing, empty, truncated or non-string token", () => {
    const token = sessionEndedToken(secret);
    for (const presented of [undefined, null, "", token.slice(0, -1), `${token}x`, 42]) {
      expect(isValidSessionEndedToken(secret, presented)).toBe(false);
    }
  });
});

describe("the same-origin rule for every form post", () => {
  const webUrl = "http://localhost:3000";
  const post = (headers: Record<string, string>) =>
    new Headers({ host: "localhost:3000", ...headers });

  it("accepts a POST from the app's own origin to the app's own host", () => {
    expect(isSameOriginPost(post({ origin: "http://localhost:3000" }), webUrl)).toBe(true);
  });

  it("accepts a POST through a reverse proxy that forwards the public host", () => {
    const behindProxy = new Headers({
      origin: "https://accounts.example",
      host: "web:3000",
      "x-forwarded-host": "accounts.example",
    });
    expect(isSameOriginPost(behindProxy, "https://accounts.example")).toBe(true);
  });

  it("rejects a cross-site form post: another site, another port of the same host, an opaque origin", () => {
    for (const origin of ["https://attacker.example", "http://localhost:3001", "null"]) {
      expect(isSameOriginPost(post({ origin }), webUrl)).toBe(false);
    }
  });

  it("rejects the app's host over another scheme (a downgraded page posting to the app)", () => {
    expect(isSameOriginPost(post({ origin: "https://localhost:3000" }), webUrl)).toBe(false);
  });

  it("rejects a POST without Origin, which Next.js would let through", () => {
    expect(isSameOriginPost(post({}), webUrl)).toBe(false);
    expect(isSameOriginPost(post({ "sec-fetch-site": "same-origin" }), webUrl)).toBe(false);
  });

  it("rejects a POST whose forwarded host names another site (host header confusion)", () => {
    const headers = post({ origin: "http://localhost:3000", "x-forwarded-host": "evil.example" });
    expect(isSameOriginPost(headers, webUrl)).toBe(false);
    const rewritten = new Headers({ origin: "http://localhost:3000", host: "web:3000" });
    expect(isSameOriginPost(rewritten, webUrl)).toBe(false);
  });
});
