// The internal API the web app calls server-side for login and consent (docs/internal-api.md). It is
// a protected resource like the MCP server: the web app's client-credentials token is checked by the
// same @repo/tokens middleware, with the internal API's own audience and scope.

import { INTERNAL_API_PATH, INTERNAL_ROUTE_SCOPES } from "@repo/contracts/internal-api";
import { scopesForAudience } from "@repo/scopes";
import { createAccessTokenVerifier } from "@repo/tokens";
import { requireBearer } from "@repo/tokens/hono";
import type { Context } from "hono";
import { Hono } from "hono";
import type { AuthServer } from "../server-context";
import { accountRoutes } from "./account";
import { adminApi } from "./admin/admin-api";
import { interactionRoutes } from "./interactions";
import { loginRoute } from "./login";

export { INTERNAL_API_PATH };

/**
 * The scope a request needs (@repo/contracts' INTERNAL_ROUTE_SCOPES); a path outside every group needs only a valid token, then meets a 404. */
export function requiredInternalScopes(path: string): string[] {
  const group = INTERNAL_ROUTE_SCOPES.find(
    ({ prefix }) => path === prefix || path.startsWith(`${prefix}/`),
  );
  return group ? [group.scope] : [];
}

/** RFC 9728 protected resource metadata of the internal API (path-based, §3.1). */
export function internalResourceMetadataPath(): string {
  return `/.well-known/oauth-protected-resource${INTERNAL_API_PATH}`;
}

export function internalResourceMetadata(server: AuthServer) {
  return {
    resource: server.config.internalResource,
    authorization_servers: [server.config.issuer],
    scopes_supported: scopesForAudience("internal"),
    bearer_methods_supported: ["header"],
    resource_name: "Authorization server internal API (login, consent, connected apps, admin)",
  };
}

export function internalApi(server: AuthServer): Hono {
  const api = new Hono();
  const verifier = createAccessTokenVerifier({
    issuer: server.config.issuer,
    audience: server.config.internalResource,
    // Verified against this server's own published keys: no HTTP round trip to itself. Looked up on
    // every verification, not once here: after a rotation the new key must verify at once.
    keys: (protectedHeader, token) => server.keys.keySource()(protectedHeader, token),
    clockToleranceSeconds: server.config.clockToleranceSeconds,
    // The same clock that stamped the token's iat and exp.
    clock: server.clock,
  });
  api.use(
    requireBearer({
      issuer: server.config.issuer,
      audience: server.config.internalResource,
      jwks: verifier,
      resourceMetadataUrl: `${server.config.issuer}${internalResourceMetadataPath()}`,
      requiredScopes: (c: Context) => requiredInternalScopes(c.req.path),
    }),
  );
  api.post("/login", loginRoute(server));
  api.route("/interactions", interactionRoutes(server));
  api.route("/account", accountRoutes(server));
  api.route("/admin", adminApi(server));
  return api;
}
