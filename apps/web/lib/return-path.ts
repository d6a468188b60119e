// Where the login page sends a person back to after a plain sign-in (not an authorization request).

/**
 * The request header proxy.ts sets to the page's path and query, for the way back after a session the
 * auth-server refused; it overwrites whatever the browser sent under that name.
 */
export const REQUEST_PATH_HEADER = "x-web-request-path";

/** The pages a sign-in may return to; anything else lands on the home page. */
const RETURNABLE_PREFIXES = ["/admin", "/account"] as const;

/**
 * The path to return to, or undefined. Only this app's own console and account pages qualify, as a
 * path: an absolute URL, a scheme-relative `//host` or a backslash (which browsers read as a slash)
 * would turn the login page into an open redirector (OAuth 2.1 §7.12.2 on open redirectors).
 */
export function safeReturnPath(candidate: unknown): string | undefined {
  if (typeof candidate !== "string" || candidate.length === 0 || candidate.length > 512) {
    return undefined;
  }
  if (!candidate.startsWith("/") || candidate.startsWith("//")) return undefined;
  // Control characters and backslashes have no place in our paths; browsers strip or rewrite them.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control range is what is refused
  if (/[\u0000-\u001f\u007f\\]/.test(candidate)) return undefined;
  let url: URL;
  try {
    url = new URL(candidate, "http://return.invalid");
  } catch {
    return undefined;
  }
  if (url.origin !== "http://return.invalid") return undefined;
  const returnable = RETURNABLE_PREFIXES.some(
    (prefix) => url.pathname === prefix || url.pathname.startsWith(`${prefix}/`),
  );
  return returnable ? `${url.pathname}${url.search}` : undefined;
}

/** The login page for a signed-out visitor of `path`. */
export function signInPath(path: string): string {
  return `/login?${new URLSearchParams({ next: path })}`;
}
