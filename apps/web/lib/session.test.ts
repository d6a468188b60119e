import { EncryptJWT } from "jose";
import { describe, expect, it } from "vitest";
import {
  deriveSessionKey,
  newCsrfSecret,
  openSession,
  SESSION_LIFETIME_SECONDS,
  type Session,
  sealSession,
  sessionCookieName,
  sessionCookieOptions,
} from "./session";

const key = deriveSessionKey("a-session-secret-that-is-long-enough-for-tests");
const session: Session = {
  userId: "user-1",
  email: "demo@example.com",
  name: "Demo <Admin>",
  isAdmin: true,
  csrfSecret: newCsrfSecret(),
  sessionEpoch: 3,
};

describe("session cookie", () => {
  it("opens what it sealed", async () => {
    const sealed = await sealSession(session, key);
    expect(await openSession(sealed, key)).toEqual(session);
  });

  it("does not reveal the session's content in the cookie value", async () => {
    const sealed = await sealSession(session, key);
    const readable = sealed
      .split(".")
      .map((part) => Buffer.from(part, "base64url").toString("latin1"))
      .join(" ");
    expect(readable).not.toContain("demo@example.com");
    expect(readable).not.toContain(session.csrfSecret);
  });

  it("rejects a tampered cookie", async () => {
    const sealed = await sealSession(session, key);
    const parts = sealed.split(".");
    const ciphertext = Buffer.from(parts[3] ?? "", "base64url");
    ciphertext[0] = (ciphertext[0] ?? 0) ^ 1;
    parts[3] = ciphertext.toString("base64url");
    expect(await openSession(parts.join("."), key)).toBeUndefined();
  });

  it("rejects a cookie sealed with another key", async () => {
    const sealed = await sealSession(
      session,
      deriveSessionKey("another-secret-of-enough-length-0000"),
    );
    expect(await openSession(sealed, key)).toBeUndefined();
  });

  it("rejects an expired cookie", async () => {
    const issued = new Date("2026-01-01T08:00:00Z");
    const sealed = await sealSession(session, key, issued);
    const justBefore = new Date(issued.getTime() + (SESSION_LIFETIME_SECONDS - 1) * 1000);
    const after = new Date(issued.getTime() + (SESSION_LIFETIME_SECONDS + 1) * 1000);
    expect(await openSession(sealed, key, justBefore)).toEqual(session);
    expect(await openSession(sealed, key, after)).toBeUndefined();
  });

  it("rejects garbage, an empty value and an unsigned JWT", async () => {
    const unsecured = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(
      '{"sub":"user-1"}',
    ).toString("base64url")}.`;
    for (const value of [undefined, "", "not-a-jwe", unsecured]) {
      expect(await openSession(value, key)).toBeUndefined();
    }
  });

  it("treats a cookie sealed without a session epoch as signed out (nothing could ever end it)", async () => {
    const now = Math.floor(Date.now() / 1000);
    const withoutEpoch = await new EncryptJWT({
      email: session.email,
      name: session.name,
      admin: session.isAdmin,
      csrf: session.csrfSecret,
    })
      .setProtectedHeader({ alg: "dir", enc: "A256GCM", typ: "session+jwt" })
      .setSubject(session.userId)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .encrypt(key);
    expect(await openSession(withoutEpoch, key)).toBeUndefined();
  });

  it("derives a 256-bit key that depends on the secret", () => {
    expect(key).toHaveLength(32);
    expect(deriveSessionKey("a-session-secret-that-is-long-enough-for-tests")).toEqual(key);
    expect(deriveSessionKey("a-session-secret-that-is-long-enough-for-test!")).not.toEqual(key);
  });

  it("is HttpOnly, SameSite=Lax and Secure with the __Host- prefix on https", () => {
    expect(sessionCookieOptions("https://account.example")).toMatchObject({
      httpOnly: true,
      sameSite: "lax",
      secure: true,
      path: "/",
      maxAge: SESSION_LIFETIME_SECONDS,
    });
    expect(sessionCookieName("https://account.example")).toBe("__Host-session");
    expect(sessionCookieOptions("http://localhost:3000").secure).toBe(false);
    expect(sessionCookieName("http://localhost:3000")).toBe("session");
  });
});
