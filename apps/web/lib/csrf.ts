// Cross-site request forgery defences for the consent and sign-out forms (AS-16).
import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * What a form's token is bound to. A token for one interaction cannot approve another, so a token
 * that leaks (a screenshot, a proxy log) is useless for any other sign-in request.
 */
export type CsrfPurpose = { form: "consent"; interactionId: string } | { form: "sign-out" };

function purposeLabel(purpose: CsrfPurpose): string {
  return purpose.form === "consent" ? `consent\u0000${purpose.interactionId}` : "sign-out";
}

/** The hidden form field's value: HMAC-SHA-256 of the purpose, keyed by the session's CSRF secret. */
export function csrfToken(csrfSecret: string, purpose: CsrfPurpose): string {
  return createHmac("sha256", csrfSecret).update(purposeLabel(purpose)).digest("base64url");
}

export function isValidCsrfToken(
  csrfSecret: string,
  purpose: CsrfPurpose,
  presented: unknown,
): boolean {
  if (typeof presented !== "string") return false;
  const expected = Buffer.from(csrfToken(csrfSecret, purpose));
  const actual = Buffer.from(presented);
  // Compared in constant time, so response timing does not reveal how much of a guess was right.
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * False when the browser says the request comes from another site. Browsers send `Origin` on every
 * cross-origin POST; it may be absent on same-origin requests from older browsers, where the CSRF
 * token alone decides.
 */
export function isSameOriginRequest(headers: Headers, webUrl: string): boolean {
  const origin = headers.get("origin");
  if (origin !== null && origin !== new URL(webUrl).origin) return false;
  const fetchSite = headers.get("sec-fetch-site");
  return fetchSite === null || fetchSite === "same-origin" || fetchSite === "none";
}
