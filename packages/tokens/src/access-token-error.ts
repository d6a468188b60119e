// RFC 9068 §4 access token validation failures, worded for an RFC 6750 §3 error_description.

export type AccessTokenErrorReason =
  | "malformed"
  | "unsupported_algorithm"
  | "wrong_type"
  | "unknown_key"
  | "invalid_signature"
  | "expired"
  | "not_yet_valid"
  | "wrong_issuer"
  | "wrong_audience"
  | "invalid_claims"
  /** The key source could not be read (JWKS unreachable, timed out, or not a JWK Set): not the token's fault. */
  | "key_source_unavailable";

// Each says which check failed in general terms and never quotes the token: the description goes
// back to whoever sent it, and into logs. Only %x20-21 / %x23-5B / %x5D-7E, as RFC 6750 §3 requires.
const DESCRIPTIONS: Readonly<Record<AccessTokenErrorReason, string>> = {
  malformed: "access token is not a well-formed JWT",
  unsupported_algorithm: "access token is not signed with ES256 or RS256",
  wrong_type: "token is not a JWT access token (typ must be at+jwt)",
  unknown_key: "access token is signed with a key this resource does not trust",
  invalid_signature: "access token signature is invalid",
  expired: "access token expired",
  not_yet_valid: "access token is not valid yet",
  wrong_issuer: "access token was not issued by the expected authorization server",
  wrong_audience: "access token audience does not include this resource",
  invalid_claims: "access token claims are missing or invalid",
  key_source_unavailable: "the authorization server signing keys are unavailable",
};

/** A rejected access token. The message is safe to show the client that sent it. */
export class AccessTokenError extends Error {
  override readonly name = "AccessTokenError";
  readonly reason: AccessTokenErrorReason;

  constructor(reason: AccessTokenErrorReason, message?: string, options?: ErrorOptions) {
    super(message ?? DESCRIPTIONS[reason], options);
    this.reason = reason;
  }
}
