// RFC 9449 DPoP at the token endpoint: the proof a client sends with a token request (§5), whose key
// the new access token is bound to (`cnf.jkt`, §6.1), and the server's nonces (§8).
import { LimitUnavailableError } from "@repo/server-kit/limits-redis";
import {
  DpopProofError,
  DpopReplayCacheUnavailableError,
  isNonceRefusal,
  verifyDpopProof,
} from "@repo/tokens";
import type { Context } from "hono";
import { OAuthError } from "../http/oauth-error";
import type { AuthServer } from "../server-context";
import type { ClientRecord } from "../store/clients";

/** §8: the response header that hands the client the nonce to put in its next proof. */
export const DPOP_NONCE_HEADER = "DPoP-Nonce";

/** §4.3 item 9: the URL a token request's proof must name; the issuer's, never the Host header's. */
export function tokenEndpointUrl(issuer: string): string {
  return `${issuer}/token`;
}

/**
 * Checks the request's DPoP proof, if it has one, and returns its key's RFC 7638 thumbprint. A
 * request without a proof gets undefined, unless the client registered `dpop_bound_access_tokens`
 * (§5.2). Refusals are `invalid_dpop_proof`, or `use_dpop_nonce` with a fresh nonce (§8); a replay
 * cache that does not answer is a 503 with Retry-After, like the rate limits.
 */
export async function tokenRequestProofKey(
  server: AuthServer,
  c: Context,
  client: Pick<ClientRecord, "dpopBoundAccessTokens">,
): Promise<string | undefined> {
  // Node joins repeated headers with ", ", which verifyDpopProof refuses as more than one proof.
  const proof = c.req.header("DPoP");
  if (proof === undefined) {
    if (!client.dpopBoundAccessTokens) return undefined;
    throw new OAuthError(
      "invalid_dpop_proof",
      "this client is registered with dpop_bound_access_tokens and must send a DPoP proof",
    );
  }
  const nonces = server.config.dpopNonceRequired ? server.dpopNonces : undefined;
  try {
    const verified = await verifyDpopProof(proof, {
      method: "POST",
      url: tokenEndpointUrl(server.config.issuer),
      replayCache: server.dpopReplayCache,
      now: server.clock(),
      clockToleranceSeconds: server.config.clockToleranceSeconds,
      acceptsNonce: nonces && ((nonce) => nonces.accepts(nonce)),
    });
    return verified.jkt;
  } catch (error) {
    if (error instanceof DpopReplayCacheUnavailableError) {
      throw error.cause instanceof LimitUnavailableError
        ? error.cause
        : new LimitUnavailableError(error.message, { cause: error });
    }
    if (!(error instanceof DpopProofError)) throw error;
    throw new OAuthError(
      isNonceRefusal(error) ? "use_dpop_nonce" : "invalid_dpop_proof",
      error.message,
    );
  }
}

/** §8: with nonces on, every token endpoint response, success or error, carries the current one. */
export function sendDpopNonce(server: AuthServer, c: Context): void {
  if (server.config.dpopNonceRequired) c.header(DPOP_NONCE_HEADER, server.dpopNonces.current());
}
