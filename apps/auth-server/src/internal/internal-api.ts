// The internal API the web app calls server-side for login and consent (docs/internal-api.md). It is
// a protected resource like the MCP server: the web app's client-credentials token is checked by the
// same @repo/tokens middleware, with the internal API's own audience and scope.
import { createAccessTokenVerifier } from "@repo/tokens";
import { requireBearer } from "@repo/tokens/hono";
import { Hono } from "hono";
import type { AuthServer } from "../server-context";
import { interactionRoutes } from "./interactions";
import { loginRoute } from "./login";

export const INTERNAL_API_PATH = "/internal";
export const INTERNAL_API_SCOPE = "internal:interactions";

/** RFC 9728 protected resource metadata of the internal API (path-based, §3.1). */
export function internalResourceMetadataPath(): string {
  return `/.well-known/oauth-protected-resource${INTERNAL_API_PATH}`;
}

export function internalResourceMetadata(server: AuthServer) {
  return {
    resource: server.config.internalResource,
    authorization_servers: [server.config.issuer],
    scopes_supported: [INTERNAL_API_SCOPE],
    bearer_methods_supported: ["header"],
    resource_name: "Authorization server internal API (login and consent)",
  };
}

export function internalApi(server: AuthServer): Hono {
  const api = new Hono();
  const verifier = createAccessTokenVerifier({
    issuer: server.config.issuer,
    audience: server.config.internalResource,
    // Verified against this server's own published keys: no HTTP round trip to itself.
    keys: server.keys.keySource(),
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
      requiredScopes: [INTERNAL_API_SCOPE],
    }),
  );
  api.post("/login", loginRoute(server));
  api.route("/interactions", interactionRoutes(server));
  return api;
}
