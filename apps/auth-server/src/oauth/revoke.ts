// RFC 7009 OAuth 2.0 Token Revocation: §2.1 request, §2.2 response.
import type { Context } from "hono";
import { z } from "zod";
import { OAuthError } from "../http/oauth-error";
import { readFormParameters } from "../http/request-body";
import { secretDigest } from "../security/secrets";
import type { AuthServer } from "../server-context";
import { audit, recordAuditEvent } from "../store/audit";
import { isConfidential } from "../store/clients";
import { findGrant, findRefreshToken, revokeGrant } from "../store/grants";
import { revokeAccessToken } from "../store/revoked-access-tokens";
import { lookUpAccessToken } from "./access-token-lookup";
import { authenticateClientAudited } from "./client-authentication";

export const RevocationRequest = z.object({
  token: z.string({ error: "token is required" }).max(8192, "token is too long"),
  token_type_hint: z.string().max(100).optional(),
});

export function revokeRoute(server: AuthServer) {
  return async (c: Context) => {
    const ipAddress = server.clientAddress(c);
    const { single } = await readFormParameters(c);
    const authenticated = await authenticateClientAudited(server, c, single, "revoke");
    const request = RevocationRequest.safeParse(single);
    if (!request.success) {
      throw new OAuthError(
        "invalid_request",
        request.error.issues[0]?.message ?? "invalid request",
      );
    }
    const { client } = authenticated;
    const now = server.clock();

    // Refresh tokens are opaque and stored as digests; a JWT never matches one.
    const refreshToken = await server.store.run((x) =>
      findRefreshToken(x, secretDigest(request.data.token)),
    );
    const grant = refreshToken
      ? await server.store.run((x) => findGrant(x, refreshToken.grantId))
      : undefined;
    if (grant) {
      if (grant.clientId !== client.clientId) {
        await audit(
          server.store,
          {
            event: "token.revocation_refused",
            outcome: "failure",
            clientId: client.clientId,
            subject: grant.userId,
            ipAddress,
            details: {
              tokenType: "refresh_token",
              grantId: grant.id,
              tokenClientId: grant.clientId,
            },
          },
          now,
        );
        if (isConfidential(client)) {
          throw new OAuthError("invalid_request", "the token was not issued to this client");
        }
        return c.body(null, 200);
      }
      // §2.1: revoking a refresh token also invalidates the access tokens of the same grant.
      await server.store.transaction(async (tx) => {
        if (!(await revokeGrant(tx, grant, "revoked by the client", now))) return;
        await recordAuditEvent(
          tx,
          {
            event: "token.revoked",
            outcome: "success",
            clientId: client.clientId,
            subject: grant.userId,
            ipAddress,
            details: { tokenType: "refresh_token", grantId: grant.id },
          },
          now,
        );
      });
      return c.body(null, 200);
    }

    const state = await lookUpAccessToken(server, request.data.token);

    if (state.kind === "unknown") {
      // §2.2: an invalid or unknown token is not an error; the client cannot do anything about it.
      return c.body(null, 200);
    }
    const { claims } = state;
    if (claims.client_id !== client.clientId) {
      await audit(
        server.store,
        {
          event: "token.revocation_refused",
          outcome: "failure",
          clientId: client.clientId,
          subject: claims.sub,
          ipAddress,
          details: { jti: claims.jti, tokenClientId: claims.client_id },
        },
        now,
      );
      // §2.1 refuses a token issued to another client. An authenticated client is told so; a public
      // client is answered as if revoked, so the endpoint cannot be used to test whether tokens are valid.
      if (isConfidential(client)) {
        throw new OAuthError("invalid_request", "the token was not issued to this client");
      }
      return c.body(null, 200);
    }
    if (state.kind === "active") {
      await server.store.transaction(async (tx) => {
        await revokeAccessToken(
          tx,
          { jti: claims.jti, clientId: claims.client_id, expiresAt: new Date(claims.exp * 1000) },
          now,
        );
        await recordAuditEvent(
          tx,
          {
            event: "token.revoked",
            outcome: "success",
            clientId: client.clientId,
            subject: claims.sub,
            ipAddress,
            details: { tokenType: "access_token", jti: claims.jti },
          },
          now,
        );
      });
    }
    return c.body(null, 200);
  };
}
