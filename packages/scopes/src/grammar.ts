// RFC 6749 §3.3 scope syntax, and this project's colon-segment grammar on top of it.

/** Longest scope token accepted; scopes travel in headers, query strings and JWT claims. */
export const MAX_SCOPE_LENGTH = 200;

/** Most tokens accepted in one `scope` parameter, so a request cannot make matching quadratic. */
export const MAX_SCOPE_TOKENS = 50;

/** The final segment that makes a scope a wildcard over everything under its prefix. */
export const WILDCARD_SEGMENT = "*";

const SCOPE_SEGMENT = /^[a-z0-9]+(?:[-_][a-z0-9]+)*$/;

// scope-token = 1*( %x21 / %x23-5B / %x5D-7E ): printable ASCII without space, `"` and `\`.
const RFC_6749_SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * Why `scope` is not a valid scope token, or `undefined` when it is.
 * The reason is written for the person reading an `invalid_scope` error.
 */
export function scopeSyntaxError(scope: string): string | undefined {
  // Scopes also arrive from JSON (token claims, stored grants): anything but a string fails closed.
  if (typeof scope !== "string") return "a scope must be a string";
  if (scope.length === 0) return "a scope must not be empty";
  if (scope.length > MAX_SCOPE_LENGTH) {
    return `a scope must be at most ${MAX_SCOPE_LENGTH} characters`;
  }
  if (!RFC_6749_SCOPE_TOKEN.test(scope)) {
    return 'a scope may contain only printable ASCII characters other than space, " and \\ (RFC 6749 §3.3)';
  }
  const segments = scope.split(":");
  const last = segments.length - 1;
  for (const [index, segment] of segments.entries()) {
    if (segment === WILDCARD_SEGMENT) {
      if (index !== last) return 'a "*" segment must be the last segment';
      // "*" alone would grant every scope on every resource: a wildcard needs a prefix.
      if (index === 0) return 'a "*" segment must follow at least one other segment';
      continue;
    }
    if (segment.length === 0) return "a scope must not have empty segments";
    if (!SCOPE_SEGMENT.test(segment)) {
      return 'each segment must be lowercase letters and digits, joined by single "-" or "_"';
    }
  }
  return undefined;
}

export function isValidScope(scope: string): boolean {
  return scopeSyntaxError(scope) === undefined;
}

/** A valid scope whose last segment is "*": it grants every scope strictly under its prefix. */
export function isWildcardScope(scope: string): boolean {
  return isValidScope(scope) && scope.endsWith(`:${WILDCARD_SEGMENT}`);
}

export type ScopeParseResult = { ok: true; scopes: string[] } | { ok: false; error: string };

const QUOTED_TOKEN_MAX = 60;

// JSON quoting makes control characters and stray quotes visible instead of letting them shape the
// message or a log line; truncation keeps a hostile 10 kB token out of both.
function quoteToken(token: string): string {
  const shown = token.length > QUOTED_TOKEN_MAX ? `${token.slice(0, QUOTED_TOKEN_MAX)}...` : token;
  return JSON.stringify(shown);
}

function fail(error: string): ScopeParseResult {
  return { ok: false, error };
}

/**
 * Parses an RFC 6749 §3.3 `scope` parameter: tokens separated by single spaces, each a valid scope.
 * Only the exact empty string means "no scopes"; any other stray whitespace is rejected rather than
 * normalised, so the parameter has one spelling and what is logged is what was checked.
 * Duplicates are dropped, keeping the first occurrence's position.
 */
export function parseScopeParameter(value: string): ScopeParseResult {
  if (typeof value !== "string") return fail("scope must be a string");
  if (value === "") return { ok: true, scopes: [] };
  if (value.includes("\t"))
    return fail("scope must not contain tabs; separate scopes with one space");
  if (/[\r\n]/.test(value)) {
    return fail("scope must not contain line breaks; separate scopes with one space");
  }
  if (value.startsWith(" ")) return fail("scope must not start with a space");
  if (value.endsWith(" ")) return fail("scope must not end with a space");
  if (value.includes("  ")) return fail("scope must separate scopes with exactly one space");

  const tokens = value.split(" ");
  if (tokens.length > MAX_SCOPE_TOKENS) {
    return fail(`scope must contain at most ${MAX_SCOPE_TOKENS} scopes`);
  }
  const scopes = new Set<string>();
  for (const token of tokens) {
    const reason = scopeSyntaxError(token);
    if (reason !== undefined) return fail(`invalid scope ${quoteToken(token)}: ${reason}`);
    scopes.add(token);
  }
  return { ok: true, scopes: [...scopes] };
}

/** The RFC 6749 §3.3 `scope` parameter for these scopes: single spaces, de-duplicated, order kept. */
export function formatScopeParameter(scopes: Iterable<string>): string {
  return [...new Set(scopes)].join(" ");
}
