// RFC 8414 OAuth 2.0 Authorization Server Metadata (§2 fields, §3 location), plus RFC 9207 §3.
import { scopesForAudience } from "@repo/scopes";
import { DPOP_SIGNING_ALGORITHMS } from "@repo/tokens";
import { z } from "zod";
import type { AuthServer } from "../server-context";
import { CLIENT_ASSERTION_ALGORITHMS } from "./client-keys";
import { tokenEndpointUrl } from "./dpop";
import { GRANT_HANDLERS } from "./token";

export const METADATA_PATH = "/.well-known/oauth-authorization-server";
export const JWKS_PATH = "/.well-known/jwks.json";

const CLIENT_AUTH_METHODS = [
  "client_secret_basic",
  "client_secret_post",
  "private_key_jwt",
  "none",
];

const endpoint = z.url();

/** RFC 8414 §2: the members this server publishes (the OpenAPI document is generated from it). */
export const AuthorizationServerMetadata = z
  .object({
    issuer: z.url(),
    authorization_endpoint: endpoint,
    token_endpoint: endpoint,
    jwks_uri: endpoint,
    registration_endpoint: endpoint,
    revocation_endpoint: endpoint,
    introspection_endpoint: endpoint,
    scopes_supported: z.array(z.string()),
    response_types_supported: z.array(z.string()),
    response_modes_supported: z.array(z.string()),
    grant_types_supported: z.array(z.string()),
    token_endpoint_auth_methods_supported: z.array(z.string()),
    token_endpoint_auth_signing_alg_values_supported: z.array(z.string()),
    revocation_endpoint_auth_methods_supported: z.array(z.string()),
    revocation_endpoint_auth_signing_alg_values_supported: z.array(z.string()),
    introspection_endpoint_auth_methods_supported: z.array(z.string()),
    introspection_endpoint_auth_signing_alg_values_supported: z.array(z.string()),
    code_challenge_methods_supported: z.array(z.string()),
    authorization_response_iss_parameter_supported: z.boolean().describe("RFC 9207 §3."),
    client_id_metadata_document_supported: z
      .boolean()
      .describe("Client ID Metadata Documents: a client_id may be an https URL."),
    dpop_signing_alg_values_supported: z
      .array(z.string())
      .describe("RFC 9449 §5.1: the DPoP proof algorithms /token accepts."),
  })
  .meta({ id: "AuthorizationServerMetadata", description: "RFC 8414 §2 metadata." });

/** RFC 7517 §5: public ES256 keys only (RFC 7518 §6.2.1). */
export const JsonWebKeySet = z
  .object({
    keys: z.array(
      z.object({
        kty: z.literal("EC"),
        crv: z.literal("P-256"),
        x: z.string(),
        y: z.string(),
        kid: z.string(),
        alg: z.literal("ES256"),
        use: z.literal("sig"),
      }),
    ),
  })
  .meta({ id: "JsonWebKeySet", description: "RFC 7517 §5 JWK Set of the token signing keys." });

export function authorizationServerMetadata(
  server: AuthServer,
): z.input<typeof AuthorizationServerMetadata> {
  const { issuer } = server.config;
  return {
    // §3.3: must be identical to the issuer the metadata URL was built from.
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: tokenEndpointUrl(issuer),
    jwks_uri: `${issuer}${JWKS_PATH}`,
    registration_endpoint: `${issuer}/register`,
    revocation_endpoint: `${issuer}/revoke`,
    introspection_endpoint: `${issuer}/introspect`,
    // The MCP scopes only: admin scopes belong to pre-registered clients and are not advertised.
    // No offline_access (SEP-2207): refresh tokens follow from the grant, not from a scope.
    scopes_supported: scopesForAudience("mcp"),
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    // Derived from the implemented grant handlers, so the document never promises a missing grant.
    grant_types_supported: Object.keys(GRANT_HANDLERS),
    token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    // RFC 8414 §2: the JWS algorithms of private_key_jwt assertions (RFC 7523), at each endpoint.
    token_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGORITHMS],
    revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    revocation_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGORITHMS],
    introspection_endpoint_auth_methods_supported: [
      "client_secret_basic",
      "client_secret_post",
      "private_key_jwt",
    ],
    introspection_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGORITHMS],
    // OAuth 2.1 §4.1.1 / RFC 7636: S256 only; MCP clients refuse to proceed without this member.
    code_challenge_methods_supported: ["S256"],
    authorization_response_iss_parameter_supported: true,
    // draft-ietf-oauth-client-id-metadata-document-00 §5: MCP clients use a URL client_id only when this
    // is true. Like the grants above, it follows from what is wired in, not from a setting.
    client_id_metadata_document_supported: server.clientMetadataDocuments !== undefined,
    dpop_signing_alg_values_supported: [...DPOP_SIGNING_ALGORITHMS],
  };
}

/**
 * Built from the configuration alone, the same on every replica, so it is safe for each process (and
 * any HTTP cache in front) to serve it as it stands.
 */
export function metadataRoute(server: AuthServer) {
  return () =>
    Response.json(authorizationServerMetadata(server), {
      headers: { "Cache-Control": "public, max-age=300" },
    });
}

/**
 * RFC 7517 §5 JWK Set: the keys a resource server may meet in unexpired tokens. Served from this
 * process's key ring, which reloads from the database every KEY_RELOAD_SECONDS (keys/key-ring.ts):
 * safe per process, as a retired key stays published far longer than that.
 */
export function jwksRoute(server: AuthServer) {
  return () =>
    Response.json(server.keys.jwks(), {
      // Short enough that a resource server sees a rotation's new key soon; jose also refetches on an unknown kid.
      headers: { "Cache-Control": "public, max-age=300" },
    });
}
