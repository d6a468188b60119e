// RFC 7636 Proof Key for Code Exchange, S256 only (OAuth 2.1 §4.1.1: `plain` is not offered).
import { createHash, timingSafeEqual } from "node:crypto";

/** §4.2: BASE64URL(SHA256(verifier)) is always 43 characters of the base64url alphabet. */
export const S256_CODE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
/** §4.1: 43 to 128 unreserved characters. */
const CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

export function isS256CodeChallenge(value: string): boolean {
  return S256_CODE_CHALLENGE.test(value);
}

export function isCodeVerifier(value: string): boolean {
  return CODE_VERIFIER.test(value);
}

export function s256CodeChallenge(codeVerifier: string): string {
  return createHash("sha256").update(codeVerifier, "ascii").digest("base64url");
}

/** §4.6: the server recomputes the challenge from the verifier and compares. */
export function verifyCodeVerifier(codeVerifier: string, codeChallenge: string): boolean {
  if (!isCodeVerifier(codeVerifier) || !isS256CodeChallenge(codeChallenge)) return false;
  return timingSafeEqual(Buffer.from(s256CodeChallenge(codeVerifier)), Buffer.from(codeChallenge));
}
