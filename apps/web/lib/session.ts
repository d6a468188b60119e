// The sign-in session: an encrypted JWT (RFC 7519 inside RFC 7516, `dir` + A256GCM) kept in a cookie.
import { hkdfSync, randomBytes } from "node:crypto";
import { EncryptJWT, jwtDecrypt } from "jose";
import { z } from "zod";

/** One working day; after it the person signs in again. */
export const SESSION_LIFETIME_SECONDS = 8 * 60 * 60;

export interface Session {
  userId: string;
  email: string;
  name: string;
  isAdmin: boolean;
  /** A random secret from which each form's CSRF token is derived (see csrf.ts). */
  csrfSecret: string;
  /**
   * The person's session epoch at sign-in, sent with every internal API call made for them: a
   * password reset, a disable or "sign out everywhere" raises it, and the auth-server then refuses
   * this session (docs/internal-api.md "The acting user").
   */
  sessionEpoch: number;
}

const SessionClaimsSchema = z.object({
  sub: z.string().min(1),
  email: z.string(),
  name: z.string(),
  admin: z.boolean(),
  csrf: z.string().min(32),
  // Required: a cookie sealed before epochs existed counts as signed out, not as a session that
  // nothing could ever end.
  epoch: z.number().int().nonnegative(),
});

/**
 * The 256-bit content-encryption key, derived from SESSION_SECRET with HKDF (RFC 5869) so the
 * configured secret may be any long string and is never used as a key directly.
 */
export function deriveSessionKey(sessionSecret: string): Uint8Array {
  return new Uint8Array(
    hkdfSync("sha256", sessionSecret, "mcp-oauth-reference/web", "session cookie A256GCM", 32),
  );
}

export function newCsrfSecret(): string {
  return randomBytes(32).toString("base64url");
}

export async function sealSession(
  session: Session,
  key: Uint8Array,
  now: Date = new Date(),
): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new EncryptJWT({
    email: session.email,
    name: session.name,
    admin: session.isAdmin,
    csrf: session.csrfSecret,
    epoch: session.sessionEpoch,
  })
    .setProtectedHeader({ alg: "dir", enc: "A256GCM", typ: "session+jwt" })
    .setSubject(session.userId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + SESSION_LIFETIME_SECONDS)
    .encrypt(key);
}

/**
 * The session inside a cookie value, or undefined when there is none that this server sealed and
 * that is still valid: AES-GCM authenticates the whole token, so any change to it fails to decrypt.
 */
export async function openSession(
  sealed: string | undefined,
  key: Uint8Array,
  now: Date = new Date(),
): Promise<Session | undefined> {
  if (!sealed) return undefined;
  try {
    const { payload } = await jwtDecrypt(sealed, key, {
      keyManagementAlgorithms: ["dir"],
      contentEncryptionAlgorithms: ["A256GCM"],
      typ: "session+jwt",
      currentDate: now,
      requiredClaims: ["exp", "iat", "sub"],
    });
    const claims = SessionClaimsSchema.safeParse(payload);
    if (!claims.success) return undefined;
    return {
      userId: claims.data.sub,
      email: claims.data.email,
      name: claims.data.name,
      isAdmin: claims.data.admin,
      csrfSecret: claims.data.csrf,
      sessionEpoch: claims.data.epoch,
    };
  } catch {
    return undefined;
  }
}

/**
 * The cookie's name: on https the `__Host-` prefix makes the browser refuse a cookie set by a
 * sibling subdomain or without `Secure`, which closes session fixation through a neighbour host.
 */
export function sessionCookieName(webUrl: string): string {
  return isHttps(webUrl) ? "__Host-session" : "session";
}

export function sessionCookieOptions(webUrl: string, maxAgeSeconds = SESSION_LIFETIME_SECONDS) {
  return {
    httpOnly: true,
    // Lax, not Strict: the browser arrives at /consent from the auth-server, a cross-site
    // top-level navigation, and must still present the session there.
    sameSite: "lax",
    secure: isHttps(webUrl),
    path: "/",
    maxAge: maxAgeSeconds,
  } as const;
}

function isHttps(webUrl: string): boolean {
  return new URL(webUrl).protocol === "https:";
}
