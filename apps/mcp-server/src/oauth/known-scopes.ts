// Only scopes the catalogue knows count here: a token's other scopes are carried, recorded, and ignored.
import { isKnownScope, parseScopeParameter } from "@repo/scopes";
import type { AccessTokenClaims, AccessTokenVerifier } from "@repo/tokens";

/** A token's scopes split into those the catalogue knows (honoured) and the rest (ignored). */
export interface SortedScopes {
  honoured: string[];
  ignored: string[];
}

/**
 * Splits a `scope` claim. Known means in the catalogue by name, or under one of the catalogue's own
 * wildcards (`mcp:operations:automation:*` and what it covers); a wildcard the catalogue does not
 * define, such as `mcp:*`, is not known and so grants nothing, however much it would match.
 */
export function sortScopes(scope: string): SortedScopes {
  const parsed = parseScopeParameter(scope);
  const scopes = parsed.ok ? parsed.scopes : [];
  return {
    honoured: scopes.filter(isKnownScope),
    ignored: scopes.filter((entry) => !isKnownScope(entry)),
  };
}

// The scope claim as issued, for the claims `honourKnownScopesOnly` narrowed.
const issuedScopes = new WeakMap<AccessTokenClaims, string>();

/** The `scope` claim the token carried, before `honourKnownScopesOnly` dropped unknown scopes. */
export function issuedScopeOf(claims: AccessTokenClaims): string {
  return issuedScopes.get(claims) ?? claims.scope;
}

/**
 * A verifier whose claims carry only the scopes the catalogue knows. Defence in depth: the
 * auth-server issues no others, but the resource server does not rely on that. Handed to
 * `requireBearer`, it makes the HTTP layer's scope check, and the scopes named in its 403 challenge,
 * ignore the rest: a token whose only scope is `mcp:*` gets 403 insufficient_scope for every tool.
 * The scope as issued stays available to the audit through `issuedScopeOf`.
 */
export function honourKnownScopesOnly(verifier: AccessTokenVerifier): AccessTokenVerifier {
  return {
    issuer: verifier.issuer,
    audience: verifier.audience,
    get cacheSize() {
      return verifier.cacheSize;
    },
    async verify(token) {
      const claims = await verifier.verify(token);
      const { honoured, ignored } = sortScopes(claims.scope);
      if (ignored.length === 0) return claims;
      const narrowed = Object.freeze({ ...claims, scope: honoured.join(" ") });
      issuedScopes.set(narrowed, claims.scope);
      return narrowed;
    },
  };
}
