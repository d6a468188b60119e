// fast-check generators of scope strings, shared by this package's property tests (not exported).

import fc from "fast-check";

/** Any segment the grammar accepts. */
export const segment: fc.Arbitrary<string> = fc.stringMatching(
  /^[a-z0-9]{1,4}(?:[-_][a-z0-9]{1,4}){0,2}$/,
);

// Random segments rarely repeat, and matching bugs hide in near-collisions: mix in a tiny alphabet
// whose members are prefixes of one another ("a", "a-b", "ab").
const collidingSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("a", "b", "a-b", "a_b", "ab"),
  segment,
);

/** One or more ordinary segments joined by ":" (the "p" in "p:*"). */
export const scopePath: fc.Arbitrary<string> = fc
  .array(collidingSegment, { minLength: 1, maxLength: 4 })
  .map((segments) => segments.join(":"));

/** A valid scope, wildcard or not. */
export const validScope: fc.Arbitrary<string> = fc
  .tuple(scopePath, fc.boolean())
  .map(([path, wildcard]) => (wildcard ? `${path}:*` : path));

/** A valid scope that may or may not sit under `path`, so both answers of a prefix check are common. */
export function scopeNear(path: string): fc.Arbitrary<string> {
  return fc.oneof(
    validScope,
    validScope.map((tail) => `${path}:${tail}`),
    fc.constant(path),
    fc.constant(`${path}:*`),
  );
}

/** Strings that are mostly not scopes: junk, near-misses and some valid scopes. */
export const anyScopeLikeString: fc.Arbitrary<string> = fc.oneof(
  validScope,
  fc.string({ maxLength: 30 }),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.stringMatching(/^[a-zA-Z0-9:*\-_ "\\\t.]{0,20}$/),
  fc.constantFrom("", "*", "a:*:b", "a:**", "A:b", "a::b", "offline_access", "openid"),
);
