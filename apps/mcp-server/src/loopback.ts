// What this server treats as loopback: where plain http is allowed (OAuth 2.1 §1.5, RFC 8252 §8.3).

/** The same three names the auth-server accepts: `localhost` too, since local MCP clients use it. */
const LOOPBACK_HOSTNAMES: ReadonlySet<string> = new Set(["127.0.0.1", "[::1]", "localhost"]);

export function isLoopbackUrl(url: URL): boolean {
  return LOOPBACK_HOSTNAMES.has(url.hostname);
}
