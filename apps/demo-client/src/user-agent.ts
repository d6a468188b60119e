// How the authorization request reaches a user agent (OAuth 2.1 §4.1.1): the system browser (RFC 8252 §4), only printed, or fetched headlessly.
import type { FetchLike } from "@modelcontextprotocol/sdk/shared/transport.js";
import open from "open";
import type { Trace } from "./trace";

/**
 * - `browser`: open the system browser (and print the URL, in case it does not open);
 * - `print`: print the URL only, for a person to open (`--no-browser`);
 * - `fetch`: GET the URL and follow its redirects without a person, for authorization servers that
 *   approve on their own (the MCP conformance suite's mock servers).
 */
export type AuthorizeMode = "browser" | "print" | "fetch";

export class HeadlessAuthorizationError extends Error {}

const MAX_REDIRECTS = 10;

export async function sendToUserAgent(
  mode: AuthorizeMode,
  authorizationUrl: URL,
  redirectUri: string,
  trace: Trace,
  fetchFn: FetchLike,
): Promise<void> {
  if (mode === "fetch") {
    await followWithoutPerson(authorizationUrl, redirectUri, fetchFn);
    return;
  }
  trace.note("Open this URL to sign in and consent:");
  trace.url(authorizationUrl.href);
  if (mode === "print") return;
  try {
    // `open` resolves once the opener has been started; a missing opener shows up as a spawn error.
    const child = await open(authorizationUrl.href, { wait: false });
    child.once("error", () => trace.warn("could not start a browser; open the URL above yourself"));
  } catch {
    trace.warn("could not start a browser; open the URL above yourself");
  }
}

/**
 * Follows the authorization server's redirects by hand until one reaches our redirect URI, then
 * delivers it there as a browser would. Stops at the first page that wants a person.
 */
async function followWithoutPerson(
  authorizationUrl: URL,
  redirectUri: string,
  fetchFn: FetchLike,
): Promise<void> {
  const target = new URL(redirectUri);
  let url = authorizationUrl;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    if (url.origin === target.origin && url.pathname === target.pathname) {
      const delivered = await fetchFn(url, { redirect: "manual" });
      await delivered.body?.cancel();
      return;
    }
    const response = await fetchFn(url, { redirect: "manual" });
    await response.body?.cancel();
    const location = response.headers.get("location");
    if (response.status < 300 || response.status >= 400 || location === null) {
      throw new HeadlessAuthorizationError(
        `--authorize=fetch: ${url.origin} answered ${response.status} without redirecting back; it wants a person (run without --authorize=fetch)`,
      );
    }
    url = new URL(location, url);
  }
  throw new HeadlessAuthorizationError(
    `--authorize=fetch: more than ${MAX_REDIRECTS} redirects without reaching ${redirectUri}`,
  );
}
