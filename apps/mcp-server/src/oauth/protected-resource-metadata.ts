// RFC 9728 OAuth 2.0 Protected Resource Metadata (§2 fields, §3.1 location), for MCP discovery (RS-1).
import { OFFLINE_ACCESS_SCOPE, scopesForAudience } from "@repo/scopes";
import { DPOP_SIGNING_ALGORITHMS } from "@repo/tokens";

export const PROTECTED_RESOURCE_METADATA_PATH = "/.well-known/oauth-protected-resource";

export const RESOURCE_NAME = "Financial sentiment MCP server";

/**
 * §3.1: the well-known segment goes between the host and the resource's path, so
 * `http://localhost:4100/mcp` has its metadata at `http://localhost:4100/.well-known/oauth-protected-resource/mcp`.
 */
export function protectedResourceMetadataUrl(resource: string): string {
  const url = new URL(resource);
  const path = url.pathname === "/" ? "" : url.pathname;
  return `${url.origin}${PROTECTED_RESOURCE_METADATA_PATH}${path}`;
}

export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  scopes_supported: string[];
  bearer_methods_supported: string[];
  resource_name: string;
  /** RFC 9728 §2: the algorithms accepted for DPoP proofs (RFC 9449). */
  dpop_signing_alg_values_supported: string[];
  /** RFC 9728 §2: present and true when only DPoP-bound tokens are accepted. */
  dpop_bound_access_tokens_required?: true;
}

export function protectedResourceMetadata(config: {
  resource: string;
  issuer: string;
  dpop: { required: boolean };
}): ProtectedResourceMetadata {
  return {
    // §3.3: identical to the resource identifier the metadata URL was built from; it is also the
    // `aud` every accepted token carries and the RFC 8707 `resource` clients send.
    resource: config.resource,
    authorization_servers: [config.issuer],
    // SEP-2207 (RS-6): never offline_access; refresh tokens are the client's business with the
    // authorization server, not a permission on this resource.
    scopes_supported: scopesForAudience("mcp").filter((scope) => scope !== OFFLINE_ACCESS_SCOPE),
    // OAuth 2.1 §5.2 and the MCP spec: the Authorization header only, never the query or body.
    bearer_methods_supported: ["header"],
    resource_name: RESOURCE_NAME,
    dpop_signing_alg_values_supported: [...DPOP_SIGNING_ALGORITHMS],
    ...(config.dpop.required ? { dpop_bound_access_tokens_required: true as const } : {}),
  };
}
