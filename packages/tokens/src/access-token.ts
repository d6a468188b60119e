// RFC 9068 JWT profile for OAuth 2.0 access tokens: issuing (§2) and validating (§4).

import { randomBytes, sign } from "node:crypto";
import { formatScopeParameter, isValidScope, parseScopeParameter } from "@repo/scopes";
import { errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from "jose";
import { AccessTokenError } from "./access-token-error";
import {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_VERIFICATION_ALGORITHMS,
  type SigningKey,
} from "./keys";

/** RFC 9068 §2.1 `typ` header of a JWT access token. */
export const ACCESS_TOKEN_TYPE = "at+jwt";

/** Seconds of clock skew tolerated on `exp`, `nbf` and `iat` unless a caller says otherwise. */
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 5;

// RFC 9068 §2.2: the claims every access token carries.
const REQUIRED_CLAIMS = ["iss", "exp", "aud", "sub", "client_id", "iat", "jti"];

const JTI_BYTES = 16;

/** RFC 9068 §2.2 claims, as issued and as returned by a successful verification. */
export interface AccessTokenClaims {
  iss: string;
  /** The resource owner; for client credentials, the client itself. */
  sub: string;
  aud: string | string[];
  client_id: string;
  /** RFC 8693 §4.2 space-separated scopes ("" when none were granted). */
  scope: string;
  jti: string;
  iat: number;
  exp: number;
  /**
   * RFC 7800 confirmation: `jkt` (RFC 9449 §6.1) binds the token to a DPoP key, and the token is
   * then usable only with a proof signed by that key.
   */
  cnf?: { jkt: string };
}

export interface IssueAccessTokenParams {
  signingKey: SigningKey;
  issuer: string;
  /** The RFC 8707 resource the token is for; becomes `aud`. */
  audience: string;
  subject: string;
  clientId: string;
  scopes: readonly string[];
  lifetimeSeconds: number;
  now?: Date;
  /** Defaults to 128 random bits, base64url. */
  jti?: string;
  /** RFC 9449 §6.1: binds the token to a DPoP key by its RFC 7638 SHA-256 thumbprint. */
  cnf?: { jkt: string };
}

export type AccessTokenKeySource = JWTVerifyGetKey;

export interface VerifyAccessTokenOptions {
  issuer: string;
  /** This resource server's own resource identifier: the token's `aud` must contain it. */
  audience: string;
  keys: AccessTokenKeySource;
  /** Defaults to DEFAULT_CLOCK_TOLERANCE_SECONDS. */
  clockToleranceSeconds?: number;
  now?: Date;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** Signs an RFC 9068 access token with header {alg: "ES256", typ: "at+jwt", kid}. */
export async function issueAccessToken(
  params: IssueAccessTokenParams,
): Promise<{ accessToken: string; claims: AccessTokenClaims; expiresIn: number }> {
  const { signingKey, lifetimeSeconds } = params;
  for (const [name, value] of Object.entries({
    issuer: params.issuer,
    audience: params.audience,
    subject: params.subject,
    clientId: params.clientId,
  })) {
    if (!isNonEmptyString(value)) throw new TypeError(`${name} must be a non-empty string`);
  }
  if (!Number.isSafeInteger(lifetimeSeconds) || lifetimeSeconds <= 0) {
    throw new TypeError("lifetimeSeconds must be a positive integer");
  }
  // A token whose scope claim a resource server cannot parse would be rejected everywhere; refuse to
  // mint it rather than hand the client a token that never works.
  if (!params.scopes.every((scope) => isValidScope(scope))) {
    throw new TypeError("scopes must all be valid scope tokens");
  }
  const scope = formatScopeParameter(params.scopes);
  const parsed = parseScopeParameter(scope);
  if (!parsed.ok) throw new TypeError(parsed.error);
  if (params.jti !== undefined && !isNonEmptyString(params.jti)) {
    throw new TypeError("jti must be a non-empty string");
  }
  if (params.cnf !== undefined && !/^[A-Za-z0-9_-]{43}$/.test(params.cnf.jkt)) {
    throw new TypeError("cnf.jkt must be a base64url SHA-256 JWK thumbprint");
  }

  const iat = epochSeconds(params.now ?? new Date());
  const claims: AccessTokenClaims = {
    iss: params.issuer,
    sub: params.subject,
    aud: params.audience,
    client_id: params.clientId,
    scope,
    // RFC 9068 §2.2 / RFC 7519 §4.1.7: unique per token, so replay caches and audit logs can tell
    // tokens apart; 128 random bits make a collision negligible.
    jti: params.jti ?? randomBytes(JTI_BYTES).toString("base64url"),
    iat,
    exp: iat + lifetimeSeconds,
    ...(params.cnf === undefined ? {} : { cnf: { jkt: params.cnf.jkt } }),
  };
  const accessToken = signCompactJws(
    { alg: ACCESS_TOKEN_ALGORITHM, typ: ACCESS_TOKEN_TYPE, kid: signingKey.kid },
    claims,
    signingKey,
  );
  return { accessToken, claims, expiresIn: lifetimeSeconds };
}

/**
 * An RFC 7515 compact JWS, ES256, signed with node:crypto. Hand-written on purpose, and only for
 * signing our own access tokens: jose's signing goes through Web Crypto, which the token endpoint's
 * profile showed costing about three times as much per signature (docs/benchmarks.md). The output is
 * the same format jose produces (base64url header and payload, the 64-byte IEEE P1363 signature of
 * RFC 7518 §3.4), and every test verifies these tokens with jose. Verification stays with jose.
 */
function signCompactJws(
  header: { alg: string; typ: string; kid: string },
  payload: AccessTokenClaims,
  signingKey: SigningKey,
): string {
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = sign("sha256", Buffer.from(signingInput), {
    key: signingKey.nodePrivateKey,
    dsaEncoding: "ieee-p1363",
  });
  return `${signingInput}.${signature.toString("base64url")}`;
}

function base64url(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}

// Wraps the key source so the two ways a key lookup fails stay apart: an unknown kid is the token's
// fault (401), an unreachable or broken JWKS is ours and must not make clients discard good tokens.
function resolveKeyWith(keys: AccessTokenKeySource): JWTVerifyGetKey {
  return async (header, token) => {
    // Our authorization server always names the key. Without a kid, a JWKS holding two keys during a
    // rotation could not pick one, so the same token would verify or not depending on the day.
    if (!isNonEmptyString(header.kid)) {
      throw new AccessTokenError("unknown_key", "access token header does not name its key (kid)");
    }
    try {
      return await keys(header, token);
    } catch (cause) {
      if (
        cause instanceof errors.JWKSNoMatchingKey ||
        cause instanceof errors.JWKSMultipleMatchingKeys
      ) {
        throw new AccessTokenError("unknown_key", undefined, { cause });
      }
      throw new AccessTokenError("key_source_unavailable", undefined, { cause });
    }
  };
}

function claimError(claim: string, problem: "missing" | "invalid"): AccessTokenError {
  return new AccessTokenError("invalid_claims", `access token claim ${claim} is ${problem}`);
}

function toAccessTokenError(error: unknown): unknown {
  if (error instanceof AccessTokenError) return error;
  const options = { cause: error };
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new AccessTokenError("unsupported_algorithm", undefined, options);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new AccessTokenError("invalid_signature", undefined, options);
  }
  if (error instanceof errors.JWTExpired)
    return new AccessTokenError("expired", undefined, options);
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === "check_failed") {
      switch (error.claim) {
        case "typ":
          return new AccessTokenError("wrong_type", undefined, options);
        case "iss":
          return new AccessTokenError("wrong_issuer", undefined, options);
        case "aud":
          return new AccessTokenError("wrong_audience", undefined, options);
        case "nbf":
          return new AccessTokenError("not_yet_valid", undefined, options);
      }
    }
    return claimError(error.claim, error.reason === "missing" ? "missing" : "invalid");
  }
  if (error instanceof errors.JOSEError)
    return new AccessTokenError("malformed", undefined, options);
  // Anything else is a bug or a misconfiguration on this side (a bad option, a key source returning
  // a non-key): let it surface as such instead of blaming the token.
  return error;
}

function isAudience(value: unknown): value is string | string[] {
  return (
    typeof value === "string" ||
    (Array.isArray(value) && value.every((member) => typeof member === "string"))
  );
}

// RFC 9068 §2.2 claim shapes that jwtVerify does not check itself.
function accessTokenClaimsOf(
  payload: JWTPayload,
  now: Date,
  clockToleranceSeconds: number,
): AccessTokenClaims {
  const { iss, sub, aud, client_id, scope, jti, iat, exp } = payload;
  if (!isNonEmptyString(iss)) throw claimError("iss", "invalid");
  if (!isNonEmptyString(sub)) throw claimError("sub", "invalid");
  if (!isAudience(aud)) throw claimError("aud", "invalid");
  if (!isNonEmptyString(client_id)) throw claimError("client_id", "invalid");
  if (!isNonEmptyString(jti)) throw claimError("jti", "invalid");
  if (typeof iat !== "number") throw claimError("iat", "invalid");
  if (typeof exp !== "number") throw claimError("exp", "invalid");
  // RFC 9068 §2.2.3: scope is optional there, but this resource server authorizes every request by
  // it, so a token without a parseable scope grants nothing and is refused outright.
  if (scope === undefined) throw claimError("scope", "missing");
  if (typeof scope !== "string" || !parseScopeParameter(scope).ok) {
    throw claimError("scope", "invalid");
  }
  // jose checks iat only against a maximum age. A token issued in the future comes from a skewed or
  // forged clock and would outlive its intended lifetime.
  if (iat > epochSeconds(now) + clockToleranceSeconds) {
    throw new AccessTokenError("not_yet_valid", "access token was issued in the future");
  }
  const claims: AccessTokenClaims = {
    iss,
    sub,
    aud: Array.isArray(aud) ? [...aud] : aud,
    client_id,
    scope,
    jti,
    iat,
    exp,
  };
  const { cnf } = payload;
  if (cnf !== undefined) {
    // A confirmation this resource cannot check (an mTLS certificate's `x5t#S256`, RFC 8705) must not
    // turn the token into a bearer token here: only a DPoP key thumbprint is accepted.
    const jkt = (cnf as { jkt?: unknown } | null)?.jkt;
    if (typeof jkt !== "string" || !/^[A-Za-z0-9_-]{43}$/.test(jkt)) {
      throw claimError("cnf", "invalid");
    }
    claims.cnf = { jkt };
  }
  return claims;
}

/**
 * RFC 9068 §4 validation: ES256 or RS256 (ACCESS_TOKEN_VERIFICATION_ALGORITHMS), typ at+jwt (or application/at+jwt, compared
 * case-insensitively), iss exactly the issuer, aud containing this resource (RFC 8707), exp
 * required, and the §2.2 claim shapes. Throws AccessTokenError.
 */
export async function verifyAccessToken(
  token: string,
  options: VerifyAccessTokenOptions,
): Promise<AccessTokenClaims> {
  if (typeof token !== "string") throw new AccessTokenError("malformed");
  const now = options.now ?? new Date();
  const clockToleranceSeconds = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, resolveKeyWith(options.keys), {
      // The allow-list is what stops "alg: none" and the HS256-with-the-public-key confusion:
      // the header's alg is checked against it before any key is looked up.
      algorithms: [...ACCESS_TOKEN_VERIFICATION_ALGORITHMS],
      // RFC 9068 §4 / RFC 8725 §3.11: an ID token or other JWT signed by the same key is not an
      // access token. jose compares media types case-insensitively and with "application/" optional.
      typ: ACCESS_TOKEN_TYPE,
      issuer: options.issuer,
      // A token minted for another resource must not be replayable here (RFC 8707, MCP RS-3).
      audience: options.audience,
      requiredClaims: REQUIRED_CLAIMS,
      clockTolerance: clockToleranceSeconds,
      currentDate: now,
    }));
  } catch (error) {
    throw toAccessTokenError(error);
  }
  return accessTokenClaimsOf(payload, now, clockToleranceSeconds);
}

/** The scopes a verified token grants, as a list ([] if the claim is empty or unparseable). */
export function scopesOf(claims: AccessTokenClaims): string[] {
  const parsed = parseScopeParameter(claims.scope);
  return parsed.ok ? parsed.scopes : [];
}
