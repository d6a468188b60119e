// Redirect URI rules: OAuth 2.1 §2.3.1 (https, or http on loopback), RFC 6749 §3.1.2 (absolute, no
// fragment), RFC 8252 §7.3 (loopback), and OpenID Connect Registration's `application_type` constraints.
import { isLoopbackUrl } from "@repo/server-kit";
import type { ApplicationType } from "../db/schema";

export const MAX_REDIRECT_URI_LENGTH = 2000;

export type RedirectUriProblem = string;

/**
 * Returns why a redirect URI cannot be registered, or undefined if it can. Web applications must use
 * https on a real host; native applications (desktop, CLI) may also use loopback, http or https.
 */
export function redirectUriProblem(
  value: string,
  applicationType: ApplicationType,
): RedirectUriProblem | undefined {
  if (value.length > MAX_REDIRECT_URI_LENGTH) return "is too long";
  if (!URL.canParse(value)) return "is not an absolute URI";
  const uri = new URL(value);
  // A fragment would carry the code past the client to scripts on the page (RFC 6749 §3.1.2).
  if (value.includes("#")) return "must not contain a fragment";
  if (uri.username || uri.password) return "must not contain user credentials";
  const loopback = isLoopbackUrl(uri);
  if (uri.protocol === "http:" && !loopback) {
    return "must use https (http is allowed only on loopback: 127.0.0.1, [::1] or localhost)";
  }
  if (uri.protocol !== "https:" && uri.protocol !== "http:") {
    return "must use https, or http on loopback";
  }
  if (loopback && applicationType === "web") {
    return 'uses a loopback host, which requires application_type "native"';
  }
  return undefined;
}

/** RFC 7591 leaves the default to the server; OIDC says "web". MCP clients often omit it while using
 * loopback redirects (the TypeScript SDK does), so infer "native" from a loopback redirect URI. */
export function inferApplicationType(redirectUris: readonly string[]): ApplicationType {
  return redirectUris.some((value) => URL.canParse(value) && isLoopbackUrl(new URL(value)))
    ? "native"
    : "web";
}

/**
 * OAuth 2.1 §2.3.1 / §4.1.1: the redirect URI of an authorization request must equal a registered one
 * exactly (no prefix or pattern matching, which open redirects exploit). RFC 8252 §7.3 makes one
 * exception: a loopback redirect may use any port, because a desktop app picks a free port at each
 * launch. Scheme, host, path and query must still be identical.
 */
export function redirectUriIsRegistered(registered: readonly string[], requested: string): boolean {
  if (registered.includes(requested)) return true;
  if (!URL.canParse(requested) || requested.includes("#")) return false;
  const request = new URL(requested);
  // Only the port may differ, so the string must already be in the form the URL parser prints:
  // otherwise 2130706433, 0x7f.1, 127.1, dot segments or backslashes would all pass as 127.0.0.1
  // and the stored redirect URI would be one nobody registered.
  if (request.href !== requested) return false;
  if (request.protocol !== "http:" || !isLoopbackUrl(request)) return false;
  if (request.username || request.password) return false;
  return registered.some((candidate) => {
    if (!URL.canParse(candidate)) return false;
    const uri = new URL(candidate);
    return (
      uri.protocol === request.protocol &&
      uri.hostname === request.hostname &&
      uri.pathname === request.pathname &&
      uri.search === request.search
    );
  });
}
