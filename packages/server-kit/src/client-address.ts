// Which address a request came from, for rate limits, request logs and audit rows: the socket's peer,
// or, behind proxies the operator names in TRUST_PROXY, the address the nearest of them saw.
//
// X-Forwarded-For and Forwarded (RFC 7239) are written by whoever sent the request: a client can put
// any address there, so they are read only as far as the hops the operator trusts wrote them, from
// the right (each proxy appends the address it received the request from). The walk itself is a few
// lines with no library of its own (proxy-addr reads X-Forwarded-For only, off Node's request object);
// parsing and matching addresses is ipaddr.js.
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";
import ipaddr from "ipaddr.js";
import { z } from "zod";

/** Whom the server believes about a request's origin (TRUST_PROXY). */
export type TrustProxy =
  /** The socket's peer only; forwarding headers are ignored. */
  | { kind: "none" }
  /** This many proxies stand in front of the server, each appending the address it saw. */
  | { kind: "hops"; hops: number }
  /** Proxies at these addresses and ranges; the first address from the right outside them is the client. */
  | { kind: "addresses"; ranges: string[]; trusts: (address: string) => boolean };

export const NO_TRUSTED_PROXY: TrustProxy = { kind: "none" };

/** More hops than any real chain of proxies: a typo such as "10" for "1.0" is refused at start. */
const MAX_HOPS = 10;

/**
 * TRUST_PROXY as an environment value: unset, `false` or `0` trusts no proxy; `true` is one hop; a
 * number is that many hops; otherwise a comma-separated list of proxy addresses and CIDR ranges.
 */
export const trustProxySetting = z
  .string()
  .optional()
  .transform((value, ctx): TrustProxy => {
    const text = value?.trim().toLowerCase() ?? "";
    if (text === "" || text === "false" || text === "0") return NO_TRUSTED_PROXY;
    if (text === "true") return { kind: "hops", hops: 1 };
    if (/^\d+$/.test(text)) {
      const hops = Number(text);
      if (hops > MAX_HOPS) {
        ctx.addIssue({ code: "custom", message: `at most ${MAX_HOPS} hops` });
        return z.NEVER;
      }
      return { kind: "hops", hops };
    }
    const ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
    const written: string[] = [];
    for (const entry of text.split(",").map((part) => part.trim())) {
      const range = parseRange(entry);
      if (!range) {
        ctx.addIssue({
          code: "custom",
          message: `"${entry}" is not an IP address or CIDR range (use false, a number of hops, or a comma-separated list of proxy addresses)`,
        });
        return z.NEVER;
      }
      ranges.push(range);
      written.push(entry);
    }
    return {
      kind: "addresses",
      ranges: written,
      trusts: (address) => {
        const parsed = parseAddress(address);
        return (
          parsed !== undefined &&
          ranges.some(
            ([network, bits]) => parsed.kind() === network.kind() && parsed.match(network, bits),
          )
        );
      },
    };
  });

function parseRange(entry: string): [ipaddr.IPv4 | ipaddr.IPv6, number] | undefined {
  const [address, bits, ...rest] = entry.split("/");
  if (address === undefined || rest.length > 0) return undefined;
  const network = parseAddress(address);
  if (!network) return undefined;
  const maxBits = network.kind() === "ipv4" ? 32 : 128;
  if (bits === undefined) return [network, maxBits];
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > maxBits) return undefined;
  return [network, Number(bits)];
}

/**
 * A strictly written address, IPv4-mapped IPv6 as IPv4; undefined for anything else. Only dotted
 * quads count as IPv4: ipaddr.js also reads "127.1" or "0x7f.0.0.1", which no proxy writes.
 */
function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (text.includes(":") && ipaddr.IPv6.isValid(text)) return ipaddr.process(text);
  return undefined;
}

/** The canonical text of an address (RFC 5952 for IPv6, IPv4-mapped as IPv4), or undefined. */
export function normalizeAddress(text: string): string | undefined {
  return parseAddress(text)?.toString();
}

/**
 * One entry of X-Forwarded-For or of a Forwarded `for=` as an address: ports and brackets are taken
 * off ("192.0.2.1:4711", "[2001:db8::1]:4711"); undefined for "unknown", obfuscated identifiers
 * ("_hidden") and anything malformed.
 */
function forwardedEntryAddress(entry: string): string | undefined {
  let text = entry.trim();
  if (text.startsWith("[")) {
    const end = text.indexOf("]");
    if (end < 0 || !/^(:\d{1,5})?$/.test(text.slice(end + 1))) return undefined;
    text = text.slice(1, end);
    return text.includes(":") ? normalizeAddress(text) : undefined;
  }
  const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(text);
  return normalizeAddress(withPort?.[1] ?? text);
}

/**
 * The `for=` of each element of a Forwarded header (RFC 7239 §4), left to right; undefined where an
 * element has no `for=` or cannot be read, so that the walk stops there. Quoted strings are read as
 * RFC 7230 quoted-strings, so a comma or semicolon inside quotes does not split an element.
 */
function forwardedForEntries(header: string): (string | undefined)[] {
  const elements: string[][] = [[]];
  let pair = "";
  let quoted = false;
  for (let index = 0; index < header.length; index++) {
    const char = header[index] as string;
    if (quoted) {
      if (char === "\\" && index + 1 < header.length) pair += header[++index];
      else if (char === '"') quoted = false;
      else pair += char;
    } else if (char === '"') {
      quoted = true;
    } else if (char === ";" || char === ",") {
      elements.at(-1)?.push(pair);
      pair = "";
      if (char === ",") elements.push([]);
    } else {
      pair += char;
    }
  }
  if (quoted) return [undefined];
  elements.at(-1)?.push(pair);
  return elements.map((pairs) => {
    const values = pairs
      .map((text) => text.trim())
      .filter((text) => text.toLowerCase().startsWith("for="))
      .map((text) => text.slice(4));
    return values.length === 1 ? values[0] : undefined;
  });
}

export interface RequestOrigin {
  /** The socket's peer, as Node reports it; undefined when the request never touched a socket. */
  peer: string | undefined;
  forwardedFor?: string | undefined;
  forwarded?: string | undefined;
}

/**
 * The client's address under `trust`, normalized; undefined only when there is no peer.
 *
 * The chain is the forwarding header's entries followed by the peer. The walk goes from the right and
 * keeps the last address it could rely on: with N hops it stops N entries in; with a list of proxies
 * it stops at the first address outside the list, and does not start unless the peer is in it. An
 * entry that is not an address ("unknown", an obfuscated name, garbage) stops the walk at the trusted
 * address to its right, never at a value further left, which anyone could have written. A request with
 * both X-Forwarded-For and Forwarded is counted under its peer: a proxy writes one of them and passes
 * the other on untouched, and nothing tells which.
 */
export function resolveClientAddress(origin: RequestOrigin, trust: TrustProxy): string | undefined {
  if (origin.peer === undefined) return undefined;
  const peer = normalizeAddress(origin.peer) ?? origin.peer;
  if (trust.kind === "none") return peer;
  if (trust.kind === "addresses" && !trust.trusts(peer)) return peer;

  const { forwardedFor, forwarded } = origin;
  if (forwardedFor !== undefined && forwarded !== undefined) return peer;
  const entries =
    forwardedFor !== undefined
      ? forwardedFor.split(",")
      : forwarded !== undefined
        ? forwardedForEntries(forwarded)
        : [];

  let client = peer;
  for (let step = 1; step <= entries.length; step++) {
    const entry = entries[entries.length - step];
    const address = entry === undefined ? undefined : forwardedEntryAddress(entry);
    if (address === undefined) return client;
    client = address;
    if (trust.kind === "hops" ? step >= trust.hops : !trust.trusts(address)) return client;
  }
  return client;
}

/**
 * A Hono context's client address under `trust` (see resolveClientAddress); undefined for a request
 * that never touched a socket, such as `app.request()` in a test or a server's self-check.
 */
export function clientAddressResolver(trust: TrustProxy): (c: Context) => string | undefined {
  return (c) => {
    let peer: string | undefined;
    try {
      peer = getConnInfo(c).remote.address;
    } catch {
      return undefined;
    }
    if (peer === undefined) return undefined;
    return resolveClientAddress(
      { peer, forwardedFor: c.req.header("x-forwarded-for"), forwarded: c.req.header("forwarded") },
      trust,
    );
  };
}

/**
 * The key a rate limit counts an address under. One IPv6 host usually has a whole /64 to pick
 * addresses from, so an IPv6 address counts as its /64; IPv4 and IPv4-mapped IPv6 count as the
 * IPv4 address. Text that is not an address is its own key.
 */
export function rateLimitKey(address: string): string {
  const parsed = parseAddress(address);
  if (!parsed) return address;
  if (parsed.kind() === "ipv4") return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4);
  return `${new ipaddr.IPv6([...parts, 0, 0, 0, 0]).toString()}/64`;
}
