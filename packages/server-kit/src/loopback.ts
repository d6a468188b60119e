// What the servers treat as loopback: where plain http is allowed (OAuth 2.1 §1.5, RFC 8252 §7.3, §8.3).

/** `localhost` counts as loopback too, because mcp-remote registers http://localhost:<port>/…. */
const LOOPBACK_HOSTNAMES: ReadonlySet<string> = new Set(["127.0.0.1", "[::1]", "localhost"]);

export function isLoopbackUrl(url: URL): boolean {
  return LOOPBACK_HOSTNAMES.has(url.hostname);
}
