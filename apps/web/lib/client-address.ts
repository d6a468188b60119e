// Which address the auth-server's login rate limit should count a sign-in attempt against.
import {
  normalizeAddress,
  resolveClientAddress,
  type TrustProxy,
} from "@repo/server-kit/client-address";

/**
 * The browser's address from `X-Forwarded-For` under TRUST_PROXY, or undefined. `next start` fills
 * that header from the socket only when it is absent, so without a proxy of ours in front a browser
 * can write any value there: trusting it would let one attacker rotate addresses or lock out someone
 * else's. Nor does Next append the socket's peer, so the header's last entry is the one the nearest
 * proxy appended: with N trusted hops the address is the Nth entry from the right; with a list of
 * proxy addresses, the first entry from the right outside the list. The servers' rules apply
 * (`@repo/server-kit/client-address`), with that last entry standing where their socket peer does.
 * Without an address the auth-server still limits attempts per email.
 */
export function forwardedClientAddress(
  forwardedFor: string | null,
  trust: TrustProxy,
): string | undefined {
  if (trust.kind === "none" || forwardedFor === null) return undefined;
  const entries = forwardedFor.split(",").map((entry) => entry.trim());
  const nearest = entries.pop();
  // Garbage where the nearest proxy's entry should be is no address to count under.
  if (nearest === undefined || normalizeAddress(nearest) === undefined) return undefined;
  const rest = entries.length > 0 ? entries.join(",") : undefined;
  // The nearest entry is the first hop counted; the servers count their socket peer as none.
  const further: TrustProxy =
    trust.kind === "hops"
      ? trust.hops > 1
        ? { kind: "hops", hops: trust.hops - 1 }
        : { kind: "none" }
      : trust;
  return resolveClientAddress({ peer: nearest, forwardedFor: rest }, further);
}
