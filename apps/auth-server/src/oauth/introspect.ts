// RFC 7662 OAuth 2.0 Token Introspection: §2.1 request (client-authenticated), §2.2 response.
import type { Context } from "hono";
import { z } from "zod";
import { authenticateClientAudited } from "../http/client-authentication";
import { OAuthError } from "../http/oauth-error";
import { readFormParameters } from "../http/request-body";
import type { AuthServer } from "../server-context";
import { isConfidential } from "../store/clients";
import { lookUpAccessToken } from "./access-token-lookup";

export const IntrospectionRequest = z.object({
  token: z.string({ error: "token is required" }).max(8192, "token is too long"),
  token_type_hint: z.string().max(100).optional(),
});

export function introspectRoute(server: AuthServer) {
  return async (c: Context) => {
    const { single } = await readFormParameters(c);
    const authenticated = await authenticateClientAudited(server, c, single, "introspect");
    // RFC 7662 §2.1 requires authorization to call this endpoint; a public client proves nothing,
    // and answering it would let anyone test stolen tokens for validity.
    if (!isConfidential(authenticated.client)) {
      throw new OAuthError("invalid_client", "introspection requires a confidential client");
    }
    const request = IntrospectionRequest.safeParse(single);
    if (!request.success) {
      throw new OAuthError(
        "invalid_request",
        request.error.issues[0]?.message ?? "invalid request",
      );
    }
    // The hint is only an optimisation (§2.1): an unknown hint is ignored and every type searched.
    const state = await lookUpAccessToken(server, request.data.token);
    c.header("Cache-Control", "no-store");
    if (state.kind !== "active") return c.json({ active: false });
    const { claims } = state;
    return c.json({
      active: true,
      scope: claims.scope,
      client_id: claims.client_id,
      sub: claims.sub,
      aud: claims.aud,
      iss: claims.iss,
      exp: claims.exp,
      iat: claims.iat,
      jti: claims.jti,
      token_type: "Bearer",
    });
  };
}
