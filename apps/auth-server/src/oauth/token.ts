// RFC 6749 §3.2 / OAuth 2.1 §3.2: the token endpoint — client authentication, then one grant type.
import type { Context } from "hono";
import { OAuthError } from "../http/oauth-error";
import { readFormParameters } from "../http/request-body";
import type { AuthServer } from "../server-context";
import { audit } from "../store/audit";
import {
  authenticateClientAudited,
  ClientAuthenticationError,
  ClientAuthenticationThrottledError,
} from "./client-authentication";
import { sendDpopNonce, tokenRequestProofKey } from "./dpop";
import { authorizationCodeGrant } from "./grants/authorization-code";
import { clientCredentialsGrant } from "./grants/client-credentials";
import type { GrantHandler } from "./grants/grant";
import { refreshTokenGrant } from "./grants/refresh-token";

/** The grant types this server implements; metadata's grant_types_supported is derived from it. */
export const GRANT_HANDLERS: Readonly<Record<string, GrantHandler>> = {
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
  client_credentials: clientCredentialsGrant,
};

export function tokenRoute(server: AuthServer) {
  return async (c: Context) => {
    const ipAddress = server.clientAddress(c);
    let clientId: string | undefined;
    let grantType: string | undefined;
    // RFC 9449 §8: with nonces on, errors carry the current nonce as well as successes.
    sendDpopNonce(server, c);
    try {
      const { single, repeated } = await readFormParameters(c, ["resource"]);
      grantType = single.grant_type;
      const authenticated = await authenticateClientAudited(server, c, single, "token");
      clientId = authenticated.client.clientId;
      if (grantType === undefined) {
        throw new OAuthError("invalid_request", "grant_type is required");
      }
      const handler = Object.hasOwn(GRANT_HANDLERS, grantType)
        ? GRANT_HANDLERS[grantType]
        : undefined;
      if (!handler) {
        throw new OAuthError(
          "unsupported_grant_type",
          `grant_type must be one of: ${Object.keys(GRANT_HANDLERS).join(", ")}`,
        );
      }
      // RFC 9449 §5: checked before the grant, so a refused proof changes no grant's state.
      const dpopJkt = await tokenRequestProofKey(server, c, authenticated.client);
      const response = await handler(server, {
        parameters: single,
        resources: repeated.resource,
        authenticated,
        ipAddress,
        dpopJkt,
      });
      server.metrics.tokensIssued.inc({ grant_type: grantType });
      // RFC 6749 §5.1: tokens must never sit in a cache.
      c.header("Cache-Control", "no-store");
      c.header("Pragma", "no-cache");
      return c.json(response);
    } catch (error) {
      // Authentication failures were audited where they happened (throttled ones once per window).
      if (
        error instanceof OAuthError &&
        !(error instanceof ClientAuthenticationError) &&
        !(error instanceof ClientAuthenticationThrottledError)
      ) {
        await audit(
          server.store,
          {
            event: "token.request_rejected",
            outcome: "failure",
            clientId,
            ipAddress,
            details: {
              endpoint: "token",
              error: error.code,
              description: error.description,
              ...(grantType === undefined ? {} : { grantType: grantType.slice(0, 100) }),
            },
          },
          server.clock(),
        );
      }
      throw error;
    }
  };
}
