// @repo/tokens: RFC 9068 JWT access tokens (issue, verify), ES256 signing keys and JWKS, RFC 6750 bearer helpers, RFC 9449 DPoP proofs.

export {
  ACCESS_TOKEN_TYPE,
  type AccessTokenClaims,
  type AccessTokenKeySource,
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  type IssueAccessTokenParams,
  issueAccessToken,
  scopesOf,
  type VerifyAccessTokenOptions,
  verifyAccessToken,
} from "./access-token";
export { AccessTokenError, type AccessTokenErrorReason } from "./access-token-error";
export {
  type BearerChallenge,
  BearerRequestError,
  extractBearerToken,
  formatBearerChallenge,
} from "./bearer";
export {
  accessTokenHash,
  DPOP_PROOF_MAX_AGE_SECONDS,
  DPOP_PROOF_TYPE,
  DPOP_SIGNING_ALGORITHMS,
  DpopProofError,
  type DpopProofErrorReason,
  type DpopReplayCache,
  DpopReplayCacheUnavailableError,
  isNonceRefusal,
  memoryReplayCache,
  type VerifiedDpopProof,
  type VerifyDpopProofOptions,
  verifyDpopProof,
} from "./dpop";
export { createLocalKeySet, createRemoteKeySet, type RemoteKeySetOptions } from "./jwks";
export {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_VERIFICATION_ALGORITHMS,
  generateSigningKey,
  importSigningKey,
  type KeyLifecycle,
  type KeyPublicationPolicy,
  publishableKeys,
  type SigningKey,
  toJwks,
} from "./keys";
export {
  type AccessTokenVerifier,
  type AccessTokenVerifierOptions,
  createAccessTokenVerifier,
  DEFAULT_CACHE_MAX_ENTRIES,
} from "./verifier";
