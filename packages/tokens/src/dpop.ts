// RFC 9449 DPoP proofs: at a resource server, the proof a client sends beside a DPoP-bound access
// token (§4.3 checks, §7.1 `ath`) and the key binding to the token's `cnf.jkt` (§6.1, RFC 7638); at
// an authorization server's token endpoint, the proof whose key a new token is bound to (§5), with the
// server's nonce when it demands one (§8).
import { createHash } from "node:crypto";
import {
  calculateJwkThumbprint,
  decodeProtectedHeader,
  EmbeddedJWK,
  errors,
  type JWK,
  type JWTPayload,
  jwtVerify,
} from "jose";

/** §4.2 `typ` of a proof. */
export const DPOP_PROOF_TYPE = "dpop+jwt";

/**
 * The proof signatures this resource accepts (`dpop_signing_alg_values_supported`). §11.6: only
 * asymmetric algorithms; `none` and every HMAC are refused before the proof's key is read.
 */
export const DPOP_SIGNING_ALGORITHMS: readonly string[] = Object.freeze([
  "ES256",
  "RS256",
  "PS256",
]);

/** How old a proof may be (§11.1: a short window limits what a captured proof is good for). */
export const DPOP_PROOF_MAX_AGE_SECONDS = 60;

/** Members of a private JWK (RFC 7518 §6.2.2, §6.3.2, §6.4.1): a proof's `jwk` must hold none. */
const PRIVATE_JWK_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

export type DpopProofErrorReason =
  | "missing"
  | "multiple"
  | "malformed"
  | "wrong_type"
  | "unsupported_algorithm"
  | "private_key"
  | "invalid_signature"
  | "invalid_claims"
  | "wrong_method"
  | "wrong_url"
  | "too_old"
  | "issued_in_future"
  | "wrong_token_hash"
  | "missing_nonce"
  | "stale_nonce"
  | "replayed";

const MESSAGES: Record<DpopProofErrorReason, string> = {
  missing: "the request carries no DPoP proof",
  multiple: "the request carries more than one DPoP header",
  malformed: "the DPoP proof is not a well-formed JWT",
  wrong_type: 'the DPoP proof\'s typ is not "dpop+jwt"',
  unsupported_algorithm: `the DPoP proof is not signed with ${DPOP_SIGNING_ALGORITHMS.join(", ")}`,
  private_key: "the DPoP proof's jwk holds a private key",
  invalid_signature: "the DPoP proof's signature does not verify with its jwk",
  invalid_claims: "the DPoP proof lacks jti, htm, htu, iat or ath, or one is malformed",
  wrong_method: "the DPoP proof was made for another HTTP method",
  wrong_url: "the DPoP proof was made for another URL",
  too_old: "the DPoP proof is too old",
  issued_in_future: "the DPoP proof was issued in the future",
  wrong_token_hash: "the DPoP proof's ath is not the hash of this access token",
  missing_nonce: "the DPoP proof carries no nonce, and this server requires its nonce",
  stale_nonce: "the DPoP proof's nonce is not one this server currently accepts",
  replayed: "the DPoP proof was already used",
};

/**
 * A proof that fails §4.3: `invalid_dpop_proof` (HTTP 401 at a resource server, §7.1; 400 at a token
 * endpoint, §5), or `use_dpop_nonce` for the two nonce reasons (§8, §9; see isNonceRefusal).
 */
export class DpopProofError extends Error {
  override readonly name = "DpopProofError";
  readonly reason: DpopProofErrorReason;

  constructor(reason: DpopProofErrorReason, options?: { cause?: unknown }) {
    super(MESSAGES[reason], options);
    this.reason = reason;
  }
}

/** True for the refusals a client cures by sending the server's nonce (`use_dpop_nonce`, §8). */
export function isNonceRefusal(error: DpopProofError): boolean {
  return error.reason === "missing_nonce" || error.reason === "stale_nonce";
}

/** The replay cache did not answer: the proof may be good, so the request gets 503, never a pass. */
export class DpopReplayCacheUnavailableError extends Error {
  override readonly name = "DpopReplayCacheUnavailableError";
}

/**
 * Remembers proof ids for as long as a proof is acceptable (§11.1). Several replicas must share one
 * (a Redis store in the MCP server), or a proof refused by one is accepted by the next.
 */
export interface DpopReplayCache {
  /** True the first time `key` is seen within `ttlSeconds`, false every time after. */
  firstUse(key: string, ttlSeconds: number): Promise<boolean>;
}

/** A replay cache for one process; it forgets the oldest ids first once it holds `maxEntries`. */
export function memoryReplayCache(maxEntries = 100_000): DpopReplayCache {
  // Map keeps insertion order, and every entry lives the same ttl, so the first entry always expires
  // first: sweeping from the front is enough.
  const seen = new Map<string, number>();
  return {
    async firstUse(key, ttlSeconds) {
      const now = Date.now();
      for (const [oldest, expiresAt] of seen) {
        if (expiresAt > now && seen.size < maxEntries) break;
        seen.delete(oldest);
      }
      const expiresAt = seen.get(key);
      if (expiresAt !== undefined && expiresAt > now) return false;
      seen.set(key, now + ttlSeconds * 1000);
      return true;
    },
  };
}

/** §4.2 `ath`: base64url of the SHA-256 of the access token's ASCII. */
export function accessTokenHash(accessToken: string): string {
  return createHash("sha256").update(accessToken, "ascii").digest("base64url");
}

/** The request the proof must have been made for, and what it is checked against. */
export interface VerifyDpopProofOptions {
  /** The request's method, as sent. */
  method: string;
  /** The request's URL as the client addressed it (the public URL behind a proxy). */
  url: string;
  /**
   * The access token presented with the proof (§7.1 `ath`). Absent at a token endpoint, where there
   * is no access token yet and the proof needs no `ath` (§5).
   */
  accessToken?: string;
  /**
   * Set when the server requires its nonce (§8): whether a proof's `nonce` is one it currently
   * accepts. Absent, a proof's nonce is not looked at.
   */
  acceptsNonce?: (nonce: string) => boolean;
  replayCache: DpopReplayCache;
  now?: Date;
  /** Leeway for the client's clock, in seconds; defaults to 5. */
  clockToleranceSeconds?: number;
}

export interface VerifiedDpopProof {
  /** RFC 7638 SHA-256 thumbprint of the proof's key: must equal the token's `cnf.jkt`. */
  jkt: string;
  jti: string;
}

/** §4.3 item 9: the URL without query and fragment, in the WHATWG parser's normal form. */
function comparableUrl(value: unknown): string | undefined {
  if (typeof value !== "string" || !URL.canParse(value)) return undefined;
  const url = new URL(value);
  url.search = "";
  url.hash = "";
  return url.href;
}

function isString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

function toDpopProofError(error: unknown): unknown {
  if (error instanceof DpopProofError) return error;
  const options = { cause: error };
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new DpopProofError("unsupported_algorithm", options);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new DpopProofError("invalid_signature", options);
  }
  if (error instanceof errors.JWTExpired) return new DpopProofError("too_old", options);
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "typ") return new DpopProofError("wrong_type", options);
    if (error.claim === "iat" && error.reason === "check_failed") {
      return new DpopProofError("issued_in_future", options);
    }
    return new DpopProofError("invalid_claims", options);
  }
  if (error instanceof errors.JOSEError) return new DpopProofError("malformed", options);
  return error;
}

/**
 * Checks one DPoP proof as RFC 9449 §4.3 and §7.1 require of a resource server and returns its
 * key's thumbprint; the caller compares that with the token's `cnf.jkt`. The replay check comes
 * last, so a proof that fails any other check is not remembered. Throws DpopProofError.
 */
export async function verifyDpopProof(
  proof: string | undefined,
  options: VerifyDpopProofOptions,
): Promise<VerifiedDpopProof> {
  // Node joins repeated headers with ", "; a compact JWS never contains a comma.
  if (proof === undefined || proof === "") throw new DpopProofError("missing");
  if (proof.includes(",")) throw new DpopProofError("multiple");
  const tolerance = options.clockToleranceSeconds ?? 5;
  const now = options.now ?? new Date();

  let jwk: JWK;
  let payload: JWTPayload;
  try {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(proof);
    } catch (cause) {
      // jose throws a TypeError, not a JOSEError, for input that is no JWS at all.
      throw new DpopProofError("malformed", { cause });
    }
    // §4.3 item 7. jose's EmbeddedJWK refuses a private key too; checking first names the problem.
    const embedded = header.jwk;
    if (
      typeof embedded === "object" &&
      embedded !== null &&
      PRIVATE_JWK_MEMBERS.some((member) => Object.hasOwn(embedded, member))
    ) {
      throw new DpopProofError("private_key");
    }
    const verified = await jwtVerify(proof, EmbeddedJWK, {
      typ: DPOP_PROOF_TYPE,
      algorithms: [...DPOP_SIGNING_ALGORITHMS],
      requiredClaims: [
        "jti",
        "htm",
        "htu",
        "iat",
        ...(options.accessToken === undefined ? [] : ["ath"]),
      ],
      maxTokenAge: `${DPOP_PROOF_MAX_AGE_SECONDS}s`,
      clockTolerance: tolerance,
      currentDate: now,
    });
    jwk = verified.protectedHeader.jwk as JWK;
    payload = verified.payload;
  } catch (error) {
    throw toDpopProofError(error);
  }

  const { jti, htm, htu, ath, nonce } = payload;
  if (!isString(jti) || !isString(htm) || !isString(htu)) {
    throw new DpopProofError("invalid_claims");
  }
  if (options.accessToken !== undefined && !isString(ath)) {
    throw new DpopProofError("invalid_claims");
  }
  if (htm !== options.method) throw new DpopProofError("wrong_method");
  const expectedUrl = comparableUrl(options.url);
  if (expectedUrl === undefined || comparableUrl(htu) !== expectedUrl) {
    throw new DpopProofError("wrong_url");
  }
  if (options.accessToken !== undefined && ath !== accessTokenHash(options.accessToken)) {
    throw new DpopProofError("wrong_token_hash");
  }
  if (options.acceptsNonce !== undefined) {
    if (nonce === undefined) throw new DpopProofError("missing_nonce");
    if (!isString(nonce) || !options.acceptsNonce(nonce)) throw new DpopProofError("stale_nonce");
  }

  const jkt = await calculateJwkThumbprint(jwk, "sha256");
  // Keyed by the key as well: ids are only unique per client, and one client cannot use up another's.
  let fresh: boolean;
  try {
    fresh = await options.replayCache.firstUse(
      `${jkt}:${jti}`,
      DPOP_PROOF_MAX_AGE_SECONDS + 2 * tolerance,
    );
  } catch (cause) {
    throw new DpopReplayCacheUnavailableError(
      "DPoP proofs cannot be checked for replay right now",
      {
        cause,
      },
    );
  }
  if (!fresh) throw new DpopProofError("replayed");
  return { jkt, jti };
}
