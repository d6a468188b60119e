// The consent page's browser binding (docs/internal-api.md "The browser binding"): a consent link that
// leaks completes only in the browser that first opened it, whoever else is signed in elsewhere.
import { createHmac } from "node:crypto";

/**
 * Far longer than an authorization request lives (ten minutes), and renewed on every consent view,
 * so the browser keeps its binding from the first view to the decision.
 */
export const BINDING_COOKIE_LIFETIME_SECONDS = 24 * 60 * 60;

/** 256 random bits, base64url. */
const BINDING_SECRET = /^[A-Za-z0-9_-]{43}$/;

/**
 * One cookie per browser, not one per interaction: a page that links to many `/consent?interaction=`
 * URLs must not be able to fill the browser's cookie jar and push the session cookie out of it.
 * `__Host-` on https, as for the session cookie.
 */
export function bindingCookieName(webUrl: string): string {
  return new URL(webUrl).protocol === "https:" ? "__Host-consent-binding" : "consent-binding";
}

export function bindingCookieOptions(webUrl: string) {
  return {
    httpOnly: true,
    // Lax: the browser arrives at /consent from the auth-server, a cross-site top-level navigation.
    sameSite: "lax",
    secure: new URL(webUrl).protocol === "https:",
    path: "/",
    maxAge: BINDING_COOKIE_LIFETIME_SECONDS,
  } as const;
}

export function isBindingSecret(value: unknown): value is string {
  return typeof value === "string" && BINDING_SECRET.test(value);
}

/** Web Crypto, so that proxy.ts can call it whatever runtime it runs in. */
export function newBindingSecret(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
}

/**
 * What the auth-server is shown for one interaction: HMAC-SHA-256 of its id under the browser's
 * secret. Each interaction gets its own value, so the value sent for one (and stored, as a digest,
 * by the auth-server) says nothing about the browser's binding for any other.
 */
export function interactionBinding(secret: string, interactionId: string): string {
  return createHmac("sha256", secret)
    .update(`consent-binding\u0000${interactionId}`)
    .digest("base64url");
}
