// The public keys a `private_key_jwt` client (RFC 7523 §2.2) signs its assertions with: registered as
// a JWK Set (RFC 7517 §5, RFC 7591 §2 `jwks`) or published at a `jwks_uri` this server fetches.
import { isIP } from "node:net";
import { isLoopbackUrl } from "@repo/server-kit";
import { importJWK, type JWK } from "jose";
import { isGlobalUnicastAddress } from "../security/global-address";
import {
  createOutboundFetcher,
  OutboundFetchError,
  type ResolveHostname,
} from "../security/outbound-fetch";

/** The JWS algorithms a client assertion may use: asymmetric only, never `none` or an HMAC. */
export const CLIENT_ASSERTION_ALGORITHMS = ["ES256", "PS256", "RS256", "EdDSA"] as const;
export type ClientAssertionAlgorithm = (typeof CLIENT_ASSERTION_ALGORITHMS)[number];

/** JWK members that only a private or symmetric key has (RFC 7518 §6.2.2, §6.3.2, §6.4.1). */
export const PRIVATE_JWK_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

export const MAX_CLIENT_KEYS = 20;
export const MAX_JWKS_URI_LENGTH = 2000;
/** RFC 8017 moduli shorter than this are refused (NIST SP 800-131A). */
const MIN_RSA_MODULUS_BITS = 2048;

export type ClientJwks = { keys: Record<string, unknown>[] };

/** Why a key set or jwks_uri cannot be used; the message names the rule and is safe to show. */
export class ClientKeysError extends Error {
  override name = "ClientKeysError";
}

/** The algorithms a key may verify, from its type, its curve and its own `alg` if it names one. */
export function algorithmsForKey(key: Record<string, unknown>): ClientAssertionAlgorithm[] {
  let candidates: ClientAssertionAlgorithm[];
  if (key.kty === "EC" && key.crv === "P-256") candidates = ["ES256"];
  else if (key.kty === "RSA") candidates = ["PS256", "RS256"];
  else if (key.kty === "OKP" && key.crv === "Ed25519") candidates = ["EdDSA"];
  else candidates = [];
  if (key.alg === undefined) return candidates;
  return candidates.filter((alg) => alg === key.alg);
}

function rsaModulusBits(n: unknown): number {
  return typeof n === "string" ? Buffer.from(n, "base64url").length * 8 : 0;
}

/**
 * Accepts a JWK Set of public signing keys only: no private or symmetric members, every key usable
 * for one of CLIENT_ASSERTION_ALGORITHMS (and importable as such), a `use` of "sig" and `key_ops`
 * allowing "verify" where present, and distinct `kid`s once there is more than one key, so that an
 * assertion's `kid` names one key.
 */
export async function checkPublicJwks(value: unknown): Promise<ClientJwks> {
  if (typeof value !== "object" || value === null || !Array.isArray((value as ClientJwks).keys)) {
    throw new ClientKeysError('jwks must be a JWK Set: an object with a "keys" array');
  }
  const { keys } = value as { keys: unknown[] };
  if (keys.length === 0) throw new ClientKeysError("jwks has no keys");
  if (keys.length > MAX_CLIENT_KEYS) {
    throw new ClientKeysError(`jwks holds more than ${MAX_CLIENT_KEYS} keys`);
  }
  const kids = new Set<string>();
  for (const [index, entry] of keys.entries()) {
    const where = `jwks.keys[${index}]`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      throw new ClientKeysError(`${where} is not a JSON object`);
    }
    const key = entry as Record<string, unknown>;
    const privateMember = PRIVATE_JWK_MEMBERS.find((member) => member in key);
    if (key.kty === "oct" || privateMember !== undefined) {
      throw new ClientKeysError(
        `${where} is a private or symmetric key (${key.kty === "oct" ? 'kty "oct"' : `member "${privateMember}"`}); register the public key only`,
      );
    }
    const algorithms = algorithmsForKey(key);
    if (algorithms.length === 0) {
      throw new ClientKeysError(
        `${where} is not a signing key for ${CLIENT_ASSERTION_ALGORITHMS.join(", ")} (EC P-256, RSA, or OKP Ed25519, with a matching alg if any)`,
      );
    }
    if (key.use !== undefined && key.use !== "sig") {
      throw new ClientKeysError(`${where} has use "${String(key.use)}"; a signing key needs "sig"`);
    }
    if (
      key.key_ops !== undefined &&
      !(Array.isArray(key.key_ops) && key.key_ops.includes("verify"))
    ) {
      throw new ClientKeysError(`${where} has key_ops without "verify"`);
    }
    if (key.kty === "RSA" && rsaModulusBits(key.n) < MIN_RSA_MODULUS_BITS) {
      throw new ClientKeysError(`${where} is an RSA key shorter than ${MIN_RSA_MODULUS_BITS} bits`);
    }
    if (key.kid !== undefined && (typeof key.kid !== "string" || key.kid.length === 0)) {
      throw new ClientKeysError(`${where} has a kid that is not a non-empty string`);
    }
    if (keys.length > 1) {
      if (typeof key.kid !== "string") {
        throw new ClientKeysError(`${where} has no kid; with several keys each needs one`);
      }
      if (kids.has(key.kid)) throw new ClientKeysError(`${where} repeats the kid "${key.kid}"`);
      kids.add(key.kid);
    }
    try {
      await importJWK(key as JWK, algorithms[0]);
    } catch {
      throw new ClientKeysError(`${where} is not a valid ${String(key.kty)} public key`);
    }
  }
  return { keys: keys as Record<string, unknown>[] };
}

/**
 * A jwks_uri: https, or http on a loopback host where this server may fetch from the local network
 * (the rule the Client ID Metadata Document fetcher follows: allowsPrivateNetworkFetches), and no
 * special-use IP address written as the host elsewhere. A host name is judged again at each fetch,
 * after DNS (security/outbound-fetch.ts).
 */
export function validateJwksUri(uri: string, options: { allowPrivateNetwork: boolean }): URL {
  if (uri.length > MAX_JWKS_URI_LENGTH) {
    throw new ClientKeysError(`jwks_uri is longer than ${MAX_JWKS_URI_LENGTH} characters`);
  }
  if (!URL.canParse(uri)) throw new ClientKeysError("jwks_uri is not a valid URL");
  const url = new URL(uri);
  const loopbackHttp =
    options.allowPrivateNetwork && url.protocol === "http:" && isLoopbackUrl(url);
  if (url.protocol !== "https:" && !loopbackHttp) {
    throw new ClientKeysError(
      "jwks_uri must use https (http is accepted only on a loopback host in development mode)",
    );
  }
  if (url.username || url.password) {
    throw new ClientKeysError("jwks_uri must not contain a user name or password");
  }
  if (uri.includes("#")) throw new ClientKeysError("jwks_uri must not contain a fragment");
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (!options.allowPrivateNetwork && isIP(host) !== 0 && !isGlobalUnicastAddress(host)) {
    throw new ClientKeysError(
      "jwks_uri must name a public internet host (loopback, private, link-local and other special-use addresses are refused)",
    );
  }
  return url;
}

/** How long a fetched key set is used before it is fetched again, whatever its headers say. */
export const JWKS_CACHE_LIFETIME_SECONDS = 300;
/** An assertion whose kid the cached set lacks refetches it, but at most once per this per URI. */
export const JWKS_REFETCH_INTERVAL_SECONDS = 30;
export const DEFAULT_MAX_CACHED_KEY_SETS = 500;
/** Room for 20 RSA-4096 keys with certificates left out. */
export const MAX_JWKS_RESPONSE_BYTES = 64 * 1024;

export interface ClientKeySetResolverOptions {
  /** As for metadata documents: loopback and private addresses only on a developer's computer. */
  allowPrivateNetwork: boolean;
  clock: () => Date;
  maxCachedKeySets?: number;
  fetchTimeoutMs?: number;
  /** Replaces DNS, for tests. */
  resolveHostname?: ResolveHostname;
}

export interface ClientKeySetResolver {
  /**
   * The key set at `jwksUri`, from the cache unless it is older than JWKS_CACHE_LIFETIME_SECONDS, or
   * unless it has no key `kid` and was fetched more than JWKS_REFETCH_INTERVAL_SECONDS ago (a client
   * that rotated its key). Throws ClientKeysError when it cannot be fetched or is not a public JWK Set.
   */
  keys(jwksUri: string, kid: string | undefined): Promise<ClientJwks>;
  close(): Promise<void>;
}

interface CachedKeySet {
  jwks: ClientJwks;
  fetchedAt: number;
}

export function createClientKeySetResolver(
  options: ClientKeySetResolverOptions,
): ClientKeySetResolver {
  const fetcher = createOutboundFetcher({
    allowPrivateNetwork: options.allowPrivateNetwork,
    timeoutMs: options.fetchTimeoutMs,
    maxBytes: MAX_JWKS_RESPONSE_BYTES,
    resolveHostname: options.resolveHostname,
    mediaTypes: ["application/json", "application/jwk-set+json"],
  });
  const maxEntries = options.maxCachedKeySets ?? DEFAULT_MAX_CACHED_KEY_SETS;
  // Insertion order is use order (entries are re-inserted on each hit): the first is the least recent.
  const cache = new Map<string, CachedKeySet>();
  const inFlight = new Map<string, Promise<ClientJwks>>();

  async function fetchKeySet(jwksUri: string): Promise<ClientJwks> {
    const url = validateJwksUri(jwksUri, options);
    let body: unknown;
    try {
      ({ body } = await fetcher.fetchJson(url));
    } catch (error) {
      if (error instanceof OutboundFetchError) {
        throw new ClientKeysError(`jwks_uri: ${error.message}`, { cause: error });
      }
      throw error;
    }
    let jwks: ClientJwks;
    try {
      jwks = await checkPublicJwks(body);
    } catch (error) {
      if (error instanceof ClientKeysError) {
        throw new ClientKeysError(`jwks_uri: ${error.message}`, { cause: error });
      }
      throw error;
    }
    cache.delete(jwksUri);
    cache.set(jwksUri, { jwks, fetchedAt: options.clock().getTime() });
    for (const oldest of cache.keys()) {
      if (cache.size <= maxEntries) break;
      cache.delete(oldest);
    }
    return jwks;
  }

  function keys(jwksUri: string, kid: string | undefined): Promise<ClientJwks> {
    const now = options.clock().getTime();
    const cached = cache.get(jwksUri);
    if (cached && now - cached.fetchedAt < JWKS_CACHE_LIFETIME_SECONDS * 1000) {
      const known = kid === undefined || cached.jwks.keys.some((key) => key.kid === kid);
      const mayRefetch = now - cached.fetchedAt >= JWKS_REFETCH_INTERVAL_SECONDS * 1000;
      if (known || !mayRefetch) {
        cache.delete(jwksUri);
        cache.set(jwksUri, cached);
        return Promise.resolve(cached.jwks);
      }
    }
    // Concurrent assertions from one client share one fetch.
    let pending = inFlight.get(jwksUri);
    if (!pending) {
      pending = fetchKeySet(jwksUri).finally(() => inFlight.delete(jwksUri));
      inFlight.set(jwksUri, pending);
    }
    return pending;
  }

  return { keys, close: () => fetcher.close() };
}
