// RFC 7662 OAuth 2.0 Token Introspection: §2.1 request (client-authenticated), §2.2 response, §4 who may ask.
import type { Context } from "hono";
import { z } from "zod";
import { OAuthError } from "../http/oauth-error";
import { readFormParameters } from "../http/request-body";
import type { AuthServer } from "../server-context";
import { audit } from "../store/audit";
import { isConfidential } from "../store/clients";
import { lookUpAccessToken } from "./access-token-lookup";
import { authenticateClientAudited } from "./client-authentication";

export const IntrospectionRequest = z.object({
  token: z.string({ error: "token is required" }).max(8192, "token is too long"),
  token_type_hint: z.string().max(100).optional(),
});

/** RFC 7662 §2.2: `active`, and for an active token the claims a resource server needs. */
export const IntrospectionResponse = z
  .object({
    active: z.boolean(),
    scope: z.string().optional(),
    client_id: z.string().optional(),
    sub: z.string().optional(),
    aud: z.union([z.string(), z.array(z.string())]).optional(),
    iss: z.string().optional(),
    exp: z.number().int().optional(),
    iat: z.number().int().optional(),
    jti: z.string().optional(),
    token_type: z.enum(["Bearer", "DPoP"]).optional(),
    cnf: z
      .object({ jkt: z.string() })
      .optional()
      .describe("RFC 9449 §6.2: the DPoP key a bound token must be presented with."),
  })
  .meta({ id: "IntrospectionResponse", description: "RFC 7662 §2.2 introspection response." });
type IntrospectionResponse = z.input<typeof IntrospectionResponse>;

export function introspectRoute(server: AuthServer) {
  return async (c: Context) => {
    const { single } = await readFormParameters(c);
    const authenticated = await authenticateClientAudited(server, c, single, "introspect");
    // RFC 7662 §2.1 requires authorization to call this endpoint; a public client proves nothing,
    // and answering it would let anyone test stolen tokens for validity.
    if (!isConfidential(authenticated.client)) {
      throw new OAuthError("invalid_client", "introspection requires a confidential client");
    }
    // §4: the endpoint is for protected resources, and "SHOULD require protected resources to be
    // specifically authorized to call" it. Anyone can self-register a confidential client, so
    // authenticating proves nothing about being a resource server; without this check any stranger
    // could test stolen or leaked tokens and read whose they are. Only clients an administrator allowed
    // (the web app, resource servers registered in the admin console) pass.
    //
    // 403 unauthorized_client rather than 401 invalid_client: §2.1 answers 401 for credentials that are
    // invalid, and these were valid. RFC 6749 §5.2's unauthorized_client is the code for "the
    // authenticated client is not authorized", and 403 is HTTP's "understood, and refused".
    if (!authenticated.client.introspectionAllowed) {
      await audit(
        server.store,
        {
          event: "token.introspection_refused",
          outcome: "failure",
          clientId: authenticated.client.clientId,
          ipAddress: server.clientAddress(c),
          details: {
            reason: "client not allowed to introspect",
            registrationType: authenticated.client.registrationType,
          },
        },
        server.clock(),
      );
      throw new OAuthError(
        "unauthorized_client",
        "this client is not allowed to introspect tokens; introspection is for resource servers an administrator allowed",
        { status: 403 },
      );
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
    if (state.kind !== "active") return c.json({ active: false } satisfies IntrospectionResponse);
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
      token_type: claims.cnf === undefined ? "Bearer" : "DPoP",
      ...(claims.cnf === undefined ? {} : { cnf: { jkt: claims.cnf.jkt } }),
    } satisfies IntrospectionResponse);
  };
}
