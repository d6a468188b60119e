// Scope matching: exact scopes, and "prefix:*" wildcards that grant everything under the prefix.

import { isValidScope, isWildcardScope } from "./grammar";

/**
 * Does one granted scope grant the required scope? Exact equality, or `granted` is "p:*" and
 * `required` is strictly under p. Invalid scopes never grant and are never granted.
 */
export function grants(granted: string, required: string): boolean {
  // Fail closed: a malformed scope in a token or a route table must not match anything.
  if (!isValidScope(granted) || !isValidScope(required)) return false;
  if (granted === required) return true;
  if (!isWildcardScope(granted)) return false;
  // Keep the ":" of "p:*" so the match stops at a segment boundary: "mcp:tools:sentiment:*" must not
  // grant "mcp:tools:sentiment-pro:read", nor "mcp:tools:sentiment" itself.
  const prefix = granted.slice(0, -1);
  return required.startsWith(prefix);
}

/** Some granted scope grants `required`. */
export function satisfies(granted: readonly string[], required: string): boolean {
  return granted.some((scope) => grants(scope, required));
}

export function satisfiesAll(granted: readonly string[], required: readonly string[]): boolean {
  return required.every((scope) => satisfies(granted, scope));
}

/** The required scopes no granted scope grants, de-duplicated, in the order they were required. */
export function missingScopes(granted: readonly string[], required: readonly string[]): string[] {
  return [...new Set(required)].filter((scope) => !satisfies(granted, scope));
}

/**
 * Narrows a request to what a client may ask: keeps the requested scopes that `allowed` satisfies
 * (in request order, de-duplicated); the rest are `refused`.
 */
export function narrowScopes(
  requested: readonly string[],
  allowed: readonly string[],
): { granted: string[]; refused: string[] } {
  const granted: string[] = [];
  const refused: string[] = [];
  for (const scope of new Set(requested)) {
    (satisfies(allowed, scope) ? granted : refused).push(scope);
  }
  return { granted, refused };
}
