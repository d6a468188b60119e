import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  formatScopeParameter,
  isValidScope,
  isWildcardScope,
  MAX_SCOPE_LENGTH,
  MAX_SCOPE_TOKENS,
  parseScopeParameter,
  scopeSyntaxError,
} from "./grammar";
import { anyScopeLikeString, validScope } from "./scope-arbitraries";

const RFC_6749_SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

describe("isValidScope", () => {
  it.each([
    "a",
    "0",
    "mcp:tools:sentiment:read",
    "mcp:tools:climate",
    "mcp:data:client-info:read",
    "offline_access",
    "a1:b-2_c:d",
    "mcp:operations:automation:*",
    "a:*",
    "a".repeat(MAX_SCOPE_LENGTH),
    `${"a".repeat(MAX_SCOPE_LENGTH - 2)}:*`,
  ])("accepts %j", (scope) => {
    expect(isValidScope(scope)).toBe(true);
    expect(scopeSyntaxError(scope)).toBeUndefined();
  });

  it.each([
    ["", "empty"],
    ["*", "wildcard without a prefix"],
    ["a:*:b", "wildcard not last"],
    ["a:*:*", "two wildcards"],
    ["a:**", "double star"],
    ["a:b*", "star inside a segment"],
    ["*:a", "leading wildcard"],
    ["Mcp:tools", "uppercase"],
    ["MCP", "all uppercase"],
    ["a::b", "empty middle segment"],
    [":a", "empty first segment"],
    ["a:", "empty last segment"],
    ["a b", "space (RFC 6749 separator)"],
    ['a"b', "double quote (RFC 6749 forbids %x22)"],
    ["a\\b", "backslash (RFC 6749 forbids %x5C)"],
    ["a\tb", "tab"],
    ["a\nb", "line feed"],
    ["a\u0000", "NUL"],
    ["caf\u00e9", "non-ASCII"],
    ["a--b", "doubled separator"],
    ["a-", "trailing separator"],
    ["-a", "leading separator"],
    ["_a", "leading underscore"],
    ["a-_b", "mixed separators"],
    ["a.b", "dot"],
    ["a/b", "slash"],
    ["a".repeat(MAX_SCOPE_LENGTH + 1), "one past the length limit"],
    [`${"a".repeat(MAX_SCOPE_LENGTH - 1)}:*`, "wildcard one past the length limit"],
  ])("rejects %j (%s)", (scope) => {
    expect(isValidScope(scope)).toBe(false);
    expect(scopeSyntaxError(scope)).toEqual(expect.any(String));
  });

  it("fails closed on values that are not strings at runtime", () => {
    for (const value of [undefined, null, 42, ["a"], { scope: "a" }]) {
      expect(isValidScope(value as unknown as string)).toBe(false);
    }
  });

  it("explains the problem in words a client developer can act on", () => {
    expect(scopeSyntaxError("Mcp:tools")).toMatch(/lowercase/);
    expect(scopeSyntaxError("*")).toMatch(/follow/);
    expect(scopeSyntaxError("a:*:b")).toMatch(/last/);
    expect(scopeSyntaxError('a"b')).toMatch(/RFC 6749/);
    expect(scopeSyntaxError("a::b")).toMatch(/empty/);
    expect(scopeSyntaxError("a".repeat(201))).toMatch(/200/);
  });

  it("accepts only RFC 6749 §3.3 scope-token characters", () => {
    fc.assert(
      fc.property(anyScopeLikeString, (scope) => {
        if (isValidScope(scope)) expect(scope).toMatch(RFC_6749_SCOPE_TOKEN);
      }),
    );
  });

  it("accepts every scope built from valid segments", () => {
    fc.assert(fc.property(validScope, (scope) => isValidScope(scope)));
  });
});

describe("isWildcardScope", () => {
  it.each([
    ["mcp:operations:automation:*", true],
    ["a:*", true],
    ["mcp:operations:automation:digest", false],
    ["*", false],
    ["a:*:b", false],
    ["A:*", false],
  ])("%j -> %s", (scope, expected) => {
    expect(isWildcardScope(scope)).toBe(expected);
  });

  it("is exactly a valid scope ending in :*", () => {
    fc.assert(
      fc.property(anyScopeLikeString, (scope) => {
        expect(isWildcardScope(scope)).toBe(isValidScope(scope) && scope.endsWith(":*"));
      }),
    );
  });
});

describe("parseScopeParameter", () => {
  it("reads only the exact empty string as no scopes", () => {
    expect(parseScopeParameter("")).toEqual({ ok: true, scopes: [] });
    expect(parseScopeParameter(" ").ok).toBe(false);
  });

  it("splits on single spaces and keeps request order", () => {
    expect(parseScopeParameter("mcp:tools:climate mcp:data:news:read")).toEqual({
      ok: true,
      scopes: ["mcp:tools:climate", "mcp:data:news:read"],
    });
  });

  it("drops duplicates, keeping the first occurrence's position", () => {
    expect(parseScopeParameter("b a b c a")).toEqual({ ok: true, scopes: ["b", "a", "c"] });
  });

  it.each([
    [" a", /start with a space/],
    ["a ", /end with a space/],
    ["a  b", /exactly one space/],
    ["a\tb", /tab/],
    ["\ta", /tab/],
    ["a\nb", /line break/],
    ["a\r\nb", /line break/],
  ])("rejects the whitespace in %j and says which", (value, message) => {
    const result = parseScopeParameter(value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });

  it.each([
    ['a "b"', JSON.stringify('"b"')],
    ["a b\\c", JSON.stringify("b\\c")],
    ["a Mcp:tools", JSON.stringify("Mcp:tools")],
    ["a:*:b", JSON.stringify("a:*:b")],
    ["a \u0000", JSON.stringify("\u0000")],
  ])("names the offending token in %j, JSON-quoted", (value, quoted) => {
    const result = parseScopeParameter(value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(`invalid scope ${quoted}`);
  });

  it("keeps raw control characters out of the error message", () => {
    const result = parseScopeParameter("ok \u0000\u001b[31mred");
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect([...result.error].some((character) => character.charCodeAt(0) < 0x20)).toBe(false);
    }
  });

  it("truncates a long offending token to 60 characters", () => {
    const result = parseScopeParameter(`a ${"B".repeat(5_000)}`);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toContain(`"${"B".repeat(60)}...`);
      expect(result.error).not.toContain("B".repeat(61));
    }
  });

  it(`accepts ${MAX_SCOPE_TOKENS} tokens and refuses one more`, () => {
    const tokens = Array.from({ length: MAX_SCOPE_TOKENS + 1 }, (_, index) => `s${index}`);
    expect(parseScopeParameter(tokens.slice(0, MAX_SCOPE_TOKENS).join(" ")).ok).toBe(true);
    const result = parseScopeParameter(tokens.join(" "));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/at most 50/);
  });

  it("round-trips formatScopeParameter for any list of valid scopes", () => {
    fc.assert(
      fc.property(fc.array(validScope, { maxLength: MAX_SCOPE_TOKENS }), (scopes) => {
        expect(parseScopeParameter(formatScopeParameter(scopes))).toEqual({
          ok: true,
          scopes: [...new Set(scopes)],
        });
      }),
    );
  });

  it("never throws, and accepts only valid scopes spelled the one canonical way", () => {
    const parameter = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.array(anyScopeLikeString, { maxLength: 5 }).map((tokens) => tokens.join(" ")),
    );
    fc.assert(
      fc.property(parameter, (value) => {
        const result = parseScopeParameter(value);
        if (!result.ok) {
          expect(result.error.length).toBeGreaterThan(0);
          return;
        }
        expect(result.scopes.every(isValidScope)).toBe(true);
        if (new Set(value.split(" ")).size === value.split(" ").length) {
          expect(formatScopeParameter(result.scopes)).toBe(value);
        }
      }),
    );
  });
});

describe("formatScopeParameter", () => {
  it("joins with single spaces, de-duplicated, in the given order", () => {
    expect(formatScopeParameter(["b", "a", "b"])).toBe("b a");
    expect(formatScopeParameter([])).toBe("");
  });

  it("accepts any iterable", () => {
    expect(formatScopeParameter(new Set(["x", "y"]))).toBe("x y");
    function* generated() {
      yield "p:*";
      yield "q";
      yield "p:*";
    }
    expect(formatScopeParameter(generated())).toBe("p:* q");
  });
});
