// RFC 6750 §3 `scope` attribute of a WWW-Authenticate challenge (MCP scope selection, RS-6).

import { formatScopeParameter, isValidScope } from "./grammar";

/** Never put in a challenge: SEP-2207 leaves the request for refresh tokens to the client (RS-6). */
export const OFFLINE_ACCESS_SCOPE = "offline_access";

/**
 * The `scope` attribute of a WWW-Authenticate challenge from the scopes the resource server chose to
 * name (for a 401, what a new client should ask for first; for a 403, see @repo/tokens' requireBearer).
 * De-duplicated, without `offline_access`, as one space-separated string ("" if none).
 */
export function challengeScope(required: readonly string[]): string {
  // The value sits inside a quoted-string header parameter: a token with `"`, `\` or a space would
  // break out of it, so anything outside the scope grammar is left out rather than escaped.
  return formatScopeParameter(
    required.filter((scope) => scope !== OFFLINE_ACCESS_SCOPE && isValidScope(scope)),
  );
}
