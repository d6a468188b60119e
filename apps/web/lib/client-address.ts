// Which address the auth-server's login rate limit should count a sign-in attempt against.

/**
 * The browser's address from `X-Forwarded-For`, or undefined. `next start` fills that header from
 * the socket only when it is absent, so without a proxy of ours in front a browser can write any
 * value there: trusting it would let one attacker rotate addresses or lock out someone else's.
 * Behind a trusted proxy (TRUST_PROXY=true) the last entry is the one that proxy appended. Without
 * an address the auth-server still limits attempts per email.
 */
export function forwardedClientAddress(
  forwardedFor: string | null,
  trustProxy: boolean,
): string | undefined {
  if (!trustProxy || forwardedFor === null) return undefined;
  const hops = forwardedFor
    .split(",")
    .map((hop) => hop.trim())
    .filter((hop) => hop.length > 0);
  return hops.at(-1);
}
