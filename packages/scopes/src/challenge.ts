// RFC 6750 §3 `scope` attribute of a WWW-Authenticate challenge, with MCP 2026-07-28 scope selection.

import { formatScopeParameter, isValidScope } from "./grammar";

/** Never put in a challenge: SEP-2207 leaves the request for refresh tokens to the client (RS-6). */
export const OFFLINE_ACCESS_SCOPE = "offline_access";

/**
 * The scope set a resource server puts in a WWW-Authenticate challenge: exactly the scopes the
 * operation needs, not the token's existing ones, because the client accumulates scopes itself
 * across step-ups. De-duplicated, without `offline_access`, as one space-separated string ("" if none).
 */
export function challengeScope(required: readonly string[]): string {
  // The value sits inside a quoted-string header parameter: a token with `"`, `\` or a space would
  // break out of it, so anything outside the scope grammar is left out rather than escaped.
  return formatScopeParameter(
    required.filter((scope) => scope !== OFFLINE_ACCESS_SCOPE && isValidScope(scope)),
  );
}
