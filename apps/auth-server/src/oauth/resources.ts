// RFC 8707 resource indicators: the protected resources this server issues tokens for.
import { findScopeDefinition, grants, SCOPE_CATALOGUE, type ScopeAudience } from "@repo/scopes";
import { OAuthError } from "../http/oauth-error";

export interface ProtectedResource {
  /** The canonical URI, used verbatim as the token's `aud`. */
  identifier: string;
  audience: ScopeAudience;
  /**
   * Further scope audiences whose tokens carry this resource as `aud`, issued by the client
   * credentials grant only (never by consent): the MCP server's `mcp-admin` scopes.
   */
  machineOnlyAudiences?: readonly ScopeAudience[];
  /** Shown on the consent screen next to the identifier. */
  name: string;
}

export type ResourceRegistry = readonly ProtectedResource[];

/**
 * Resolves the `resource` parameter(s) of a request to one known resource.
 * RFC 8707 §2: an absolute URI without a fragment; unknown, missing or malformed → invalid_target.
 * Scheme and host are compared case-insensitively (the MCP spec asks servers to accept uppercase there);
 * everything else must match the canonical URI exactly, trailing slash included.
 */
export function resolveResource(
  registry: ResourceRegistry,
  requested: readonly string[] | undefined,
  fallback?: ProtectedResource,
): ProtectedResource {
  if (!requested || requested.length === 0) {
    if (fallback) return fallback;
    throw new OAuthError("invalid_target", "the resource parameter is required");
  }
  if (requested.length > 1) {
    throw new OAuthError(
      "invalid_target",
      "one resource per request: an access token here has exactly one audience",
    );
  }
  const value = requested[0] ?? "";
  if (!URL.canParse(value) || value.includes("#")) {
    throw new OAuthError(
      "invalid_target",
      "resource must be an absolute URI without a fragment (RFC 8707 §2)",
    );
  }
  const normalized = normalizeSchemeAndHost(value);
  const match = registry.find(
    (resource) => normalizeSchemeAndHost(resource.identifier) === normalized,
  );
  if (!match) {
    throw new OAuthError(
      "invalid_target",
      "the requested resource is not served by this authorization server",
    );
  }
  return match;
}

function normalizeSchemeAndHost(value: string): string {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/s.exec(value);
  if (!match) return value;
  const [, scheme = "", authority = "", rest = ""] = match;
  return `${scheme.toLowerCase()}${authority.toLowerCase()}${rest}`;
}

/** The audience a scope belongs to: its catalogue entry's, or that of the catalogue wildcard granting it. */
export function scopeAudience(scope: string): ScopeAudience | undefined {
  const exact = findScopeDefinition(scope);
  if (exact) return exact.audience;
  return SCOPE_CATALOGUE.find((definition) => grants(definition.name, scope))?.audience;
}

/**
 * Whether the client credentials grant may put `scope` in a token for `resource`: a scope of the
 * resource's own audience, or of one of its machine-only audiences. The authorization code flow checks
 * the resource's own audience only, so no person can consent to a machine-only scope.
 */
export function scopeFitsMachineToken(scope: string, resource: ProtectedResource): boolean {
  const audience = scopeAudience(scope);
  if (audience === undefined) return false;
  return audience === resource.audience || (resource.machineOnlyAudiences ?? []).includes(audience);
}
