// Cross-site request forgery defences for every form that changes something (AS-16).
import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * What a form's token is bound to. A token for one interaction cannot approve another, and a token
 * for revoking one app's access cannot delete another client, so a token that leaks (a screenshot,
 * a proxy log) is useless for anything but the one action on the one thing it was printed for.
 */
export type CsrfPurpose =
  | { form: "consent"; interactionId: string }
  | { form: "sign-out" }
  /**
   * The link to /session-ended, printed only when the auth-server refused this session: without it
   * any site could link there and sign the person out.
   */
  | { form: "session-ended" }
  /**
   * A console or connected-apps form: `endpoint` is the path it posts to, `action` names what it
   * does there, `target` what it does it to. Both "create" forms say `create new`; the endpoint is
   * what keeps a token printed on the new-client page from creating a user.
   */
  | { form: "action"; endpoint: string; action: string; target: string };

function purposeLabel(purpose: CsrfPurpose): string {
  switch (purpose.form) {
    case "consent":
      return `consent\u0000${purpose.interactionId}`;
    case "sign-out":
      return "sign-out";
    case "session-ended":
      return "session-ended";
    case "action":
      return `action\u0000${purpose.endpoint}\u0000${purpose.action}\u0000${purpose.target}`;
  }
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
