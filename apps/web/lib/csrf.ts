// Cross-site request forgery defences (AS-16): one rule for every form, and one token for the one
// link that changes something.
import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The answer to a POST that did not come from this app's own pages. Plain text: nothing from the
 * request is echoed, so there is nothing to escape.
 */
export const FORGED_FORM_MESSAGE =
  "This form could not be accepted: it did not come from this site. Go back, reload the page and try again.";

/**
 * Whether a POST (every form here is a Server Action) may run: its `Origin` must be exactly this
 * app's public origin, and the host it was sent to (`X-Forwarded-Host`, else `Host`) this app's.
 *
 * Next.js runs the same comparison before a Server Action, host against host; proxy.ts applies this
 * one first because it is stricter where it matters. A POST without `Origin` is refused, where Next
 * lets it through: every browser this app supports sends `Origin` on a form post and on `fetch`, so
 * only a very old browser or a handcrafted request lacks it, and neither should change anything. The
 * scheme and port are compared with WEB_URL, not with a header a proxy forwards. And the refusal is a
 * 403, where Next's is a 500.
 */
export function isSameOriginPost(headers: Headers, webUrl: string): boolean {
  const expected = new URL(webUrl);
  if (headers.get("origin") !== expected.origin) return false;
  // Next compares the first X-Forwarded-Host entry, else Host; a proxy that rewrites both to an
  // internal name would make Next refuse every form, and is refused here too, with a clear answer.
  const forwardedHost = headers.get("x-forwarded-host")?.split(",")[0]?.trim();
  return (forwardedHost || headers.get("host")) === expected.host;
}

/**
 * The token on the link to /session-ended, printed only when the auth-server refused this session.
 * The one request that changes something without being a form: a GET, which no Origin check covers,
 * so without the token any site could link there and sign the person out. HMAC-SHA-256 of a fixed
 * label under the session's own CSRF secret: another session's token does nothing.
 */
export function sessionEndedToken(csrfSecret: string): string {
  return createHmac("sha256", csrfSecret).update("session-ended").digest("base64url");
}

export function isValidSessionEndedToken(csrfSecret: string, presented: unknown): boolean {
  if (typeof presented !== "string") return false;
  const expected = Buffer.from(sessionEndedToken(csrfSecret));
  const actual = Buffer.from(presented);
  // Compared in constant time, so response timing does not reveal how much of a guess was right.
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
