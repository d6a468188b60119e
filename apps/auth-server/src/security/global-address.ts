// Which addresses an outbound fetch may connect to: the IANA IPv4 and IPv6 Special-Purpose Address
// Registries (RFC 6890), read as an allow-list of global unicast for draft-ietf-oauth-client-id-metadata-document-00 §6.5.
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

type Range = readonly [name: string, cidr: string];

/**
 * IPv4 blocks the registry marks not globally reachable, plus multicast and the reserved class E.
 * Everything else is the public internet. 192.0.0.0/24 is refused whole, although two of its /32s
 * (PCP and TURN anycast) are global: no metadata document is served from them.
 */
const IPV4_NOT_GLOBAL: readonly Range[] = [
  ["this network", "0.0.0.0/8"],
  ["private (RFC 1918)", "10.0.0.0/8"],
  ["shared address space (carrier-grade NAT)", "100.64.0.0/10"],
  ["loopback", "127.0.0.0/8"],
  ["link-local (cloud metadata services)", "169.254.0.0/16"],
  ["private (RFC 1918)", "172.16.0.0/12"],
  ["IETF protocol assignments", "192.0.0.0/24"],
  ["documentation (TEST-NET-1)", "192.0.2.0/24"],
  ["6to4 relay anycast (deprecated, RFC 7526)", "192.88.99.0/24"],
  ["private (RFC 1918)", "192.168.0.0/16"],
  ["benchmarking", "198.18.0.0/15"],
  ["documentation (TEST-NET-2)", "198.51.100.0/24"],
  ["documentation (TEST-NET-3)", "203.0.113.0/24"],
  ["multicast", "224.0.0.0/4"],
  ["reserved (including the limited broadcast address)", "240.0.0.0/4"],
];

/** RFC 4291 §2.4: global unicast is 2000::/3; every other IPv6 block is refused unless decoded below. */
const IPV6_GLOBAL_UNICAST = ipaddr.parseCIDR("2000::/3");

/** Blocks inside 2000::/3 that are not globally reachable, or that tunnel to an address not checked here. */
const IPV6_NOT_GLOBAL: readonly Range[] = [
  // Teredo (2001::/32), benchmarking (2001:2::/48), ORCHID and the rest: none serves a document, and
  // Teredo embeds an IPv4 address that the tunnel endpoint would reach on our behalf.
  ["IETF protocol assignments, including Teredo", "2001::/23"],
  ["documentation", "2001:db8::/32"],
  // RFC 3056 embeds an IPv4 address (2002:7f00:1:: is 127.0.0.1); the anycast relays are deprecated
  // (RFC 7526), and a real 6to4 host is reachable at its IPv4 address anyway, so none is decoded.
  ["6to4", "2002::/16"],
  ["documentation (RFC 9637)", "3fff::/20"],
];

/** Forms outside 2000::/3 that carry an IPv4 address and reach it: they are judged as that address. */
const IPV4_MAPPED = ipaddr.parseCIDR("::ffff:0:0/96");
/** RFC 6052 §3.1: the well-known NAT64 prefix only ever represents global IPv4 addresses. */
const NAT64_WELL_KNOWN = ipaddr.parseCIDR("64:ff9b::/96");

const parsedRanges = (ranges: readonly Range[]) =>
  ranges.map(([name, cidr]) => ({ name, range: ipaddr.parseCIDR(cidr) }));
const IPV4_REFUSED = parsedRanges(IPV4_NOT_GLOBAL);
const IPV6_REFUSED = parsedRanges(IPV6_NOT_GLOBAL);

function isGlobalIPv4(address: ipaddr.IPv4): boolean {
  return !IPV4_REFUSED.some(({ range }) => address.match(range));
}

function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 {
  const bytes = address.toByteArray();
  return new ipaddr.IPv4(bytes.slice(12));
}

/**
 * True only for a globally reachable unicast address. This is an allow-list: a block is refused unless
 * it is known to be global, so a new special-purpose block (NAT64 local-use 64:ff9b:1::/48, site-local
 * fec0::/10, unique-local fc00::/7, link-local fe80::/10, loopback, IPv4-compatible ::/96, multicast)
 * is refused without being named. IPv4-mapped (::ffff:10.0.0.1) and well-known NAT64
 * (64:ff9b::a00:1) addresses are judged as the IPv4 address they reach.
 */
export function isGlobalUnicastAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return isGlobalIPv4(ipaddr.IPv4.parse(address));
  // A zone (fe80::1%eth0) only ever scopes a link-local or site-local address.
  if (family !== 6 || address.includes("%")) return false;
  // ipaddr.js 2.5 reads "::8.8.8.8" as the IPv4-mapped ::ffff:8.8.8.8; the WHATWG URL parser's
  // serialisation (::808:808) has no dotted part left to misread.
  const ipv6 = ipaddr.IPv6.parse(new URL(`http://[${address}]`).hostname.slice(1, -1));
  if (ipv6.match(IPV4_MAPPED) || ipv6.match(NAT64_WELL_KNOWN)) {
    return isGlobalIPv4(embeddedIPv4(ipv6));
  }
  return ipv6.match(IPV6_GLOBAL_UNICAST) && !IPV6_REFUSED.some(({ range }) => ipv6.match(range));
}
