// RFC 6749 §4.4 / OAuth 2.1 §4.2: the client credentials grant, for pre-registered machine clients,
// with the RFC 8707 resource as the token's audience and the scope narrowed to the client's allow-list.
import { isKnownScope, narrowScopes, parseScopeParameter } from "@repo/scopes";
import { issueAccessToken } from "@repo/tokens";
import { z } from "zod";
import { OAuthError } from "../../http/oauth-error";
import type { AuthServer } from "../../server-context";
import { audit } from "../../store/audit";
import { isConfidential } from "../../store/clients";
import { type ProtectedResource, resolveResource, scopeFitsMachineToken } from "../resources";
import type { GrantInput, TokenResponse } from "./grant";
import { dpopBinding } from "./issue-for-grant";

export const ClientCredentialsTokenRequest = z.object({
  grant_type: z.literal("client_credentials"),
  scope: z.string().max(2000, "scope is too long").optional(),
});

export async function clientCredentialsGrant(
  server: AuthServer,
  input: GrantInput,
): Promise<TokenResponse> {
  const { client } = input.authenticated;
  const request = ClientCredentialsTokenRequest.safeParse(input.parameters);
  if (!request.success) {
    throw new OAuthError("invalid_request", request.error.issues[0]?.message ?? "invalid request");
  }
  // OAuth 2.1 §4.2: only confidential clients; a public client could be anyone holding its id.
  if (!isConfidential(client) || !client.grantTypes.includes("client_credentials")) {
    throw new OAuthError(
      "unauthorized_client",
      "this client is not allowed to use the client_credentials grant",
    );
  }

  const allowedResources = client.allowedResources ?? [];
  const allowedRegistry = server.resources.filter((resource) =>
    allowedResources.includes(resource.identifier),
  );
  const onlyAllowed = allowedRegistry.length === 1 ? allowedRegistry[0] : undefined;
  const resource: ProtectedResource = resolveResource(
    server.resources,
    input.resources,
    onlyAllowed,
  );
  if (!allowedResources.includes(resource.identifier)) {
    throw new OAuthError("invalid_target", "this client may not request tokens for that resource");
  }

  const allowedScopes = (client.allowedScopes ?? []).filter((scope) =>
    scopeFitsMachineToken(scope, resource),
  );
  let scopes: string[];
  if (request.data.scope === undefined) {
    // RFC 6749 §3.3: with no scope requested, the server applies a pre-defined default: everything
    // this client was allowed for this resource.
    scopes = allowedScopes;
  } else {
    const parsed = parseScopeParameter(request.data.scope);
    if (!parsed.ok) throw new OAuthError("invalid_scope", parsed.error);
    const unknown = parsed.scopes.filter((scope) => !isKnownScope(scope));
    if (unknown.length > 0) {
      throw new OAuthError("invalid_scope", `unknown scope: ${unknown.join(" ").slice(0, 200)}`);
    }
    const misdirected = parsed.scopes.filter((scope) => !scopeFitsMachineToken(scope, resource));
    if (misdirected.length > 0) {
      throw new OAuthError(
        "invalid_scope",
        `scope not valid for the requested resource: ${misdirected.join(" ").slice(0, 200)}`,
      );
    }
    // RFC 6749 §3.3 lets the server issue less than asked; the response then states the scope.
    scopes = narrowScopes(parsed.scopes, allowedScopes).granted;
  }
  if (scopes.length === 0) {
    throw new OAuthError(
      "invalid_scope",
      "none of the requested scopes is allowed for this client",
    );
  }

  const now = server.clock();
  const { cnf, tokenType } = dpopBinding(input.dpopJkt);
  const issued = await issueAccessToken({
    signingKey: server.keys.signingKey(),
    issuer: server.config.issuer,
    audience: resource.identifier,
    // RFC 9068 §2.2: with no person involved, the subject is the client itself.
    subject: client.clientId,
    clientId: client.clientId,
    scopes,
    lifetimeSeconds: server.config.accessTokenTtlSeconds,
    cnf,
    now,
  });
  await audit(
    server.store,
    {
      event: "token.issued",
      outcome: "success",
      clientId: client.clientId,
      subject: client.clientId,
      ipAddress: input.ipAddress,
      details: {
        grantType: "client_credentials",
        jti: issued.claims.jti,
        audience: resource.identifier,
        scope: issued.claims.scope,
        ...(request.data.scope === undefined ? {} : { requestedScope: request.data.scope }),
      },
    },
    now,
  );
  return {
    access_token: issued.accessToken,
    token_type: tokenType,
    expires_in: issued.expiresIn,
    scope: issued.claims.scope,
    resource: resource.identifier,
  };
}
