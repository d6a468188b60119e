import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isValidScope, isWildcardScope } from "./grammar";
import { grants, missingScopes, narrowScopes, satisfies, satisfiesAll } from "./matching";
import { anyScopeLikeString, scopeNear, scopePath, segment, validScope } from "./scope-arbitraries";

describe("grants", () => {
  it.each([
    ["mcp:tools:sentiment:read", "mcp:tools:sentiment:read", true],
    ["mcp:tools:*", "mcp:tools:sentiment:read", true],
    ["mcp:tools:*", "mcp:tools:sentiment:*", true],
    ["mcp:*", "mcp:tools:*", true],
    ["mcp:operations:automation:*", "mcp:operations:automation:digest", true],
    ["mcp:operations:automation:*", "mcp:operations:automation:*", true],
    ["mcp:tools:sentiment:*", "mcp:tools:sentiment-pro:read", false],
    ["mcp:tools:sentiment:*", "mcp:tools:sentiment_pro:read", false],
    ["mcp:tools:sentiment:*", "mcp:tools:sentiment", false],
    ["mcp:tools:sentiment:*", "mcp:tools:*", false],
    ["mcp:tools:sentiment:read", "mcp:tools:*", false],
    ["mcp:tools:sentiment:read", "mcp:tools:sentiment:read:extra", false],
    ["mcp:tools", "mcp:tools:sentiment:read", false],
    ["mcp:tools:*", "mcp:data:news:read", false],
  ])("%j grants %j: %s", (granted, required, expected) => {
    expect(grants(granted, required)).toBe(expected);
  });

  it.each([
    ["*", "mcp:tools:climate", "a bare * would grant everything"],
    ["MCP:*", "MCP:tools", "uppercase wildcard"],
    ["a:*:b", "a:*:b", "wildcard in the middle"],
    ['a"', 'a"', "RFC 6749 forbidden character"],
    ["", "", "empty scope"],
    ["mcp:*", "mcp:Tools", "invalid required scope under a valid wildcard"],
    ["mcp:*", "mcp:tools read", "space smuggled into a required scope"],
  ])("refuses to match invalid scopes: %j vs %j (%s)", (granted, required) => {
    expect(grants(granted, required)).toBe(false);
  });

  it("is reflexive on valid scopes", () => {
    fc.assert(fc.property(validScope, (scope) => grants(scope, scope)));
  });

  it("lets a non-wildcard scope grant only itself", () => {
    fc.assert(
      fc.property(validScope, validScope, (granted, required) => {
        fc.pre(!isWildcardScope(granted));
        expect(grants(granted, required)).toBe(granted === required);
      }),
    );
  });

  it("lets p:* grant exactly the scopes strictly under p", () => {
    fc.assert(
      fc.property(
        scopePath.chain((path) => fc.tuple(fc.constant(path), scopeNear(path))),
        ([path, required]) => {
          expect(grants(`${path}:*`, required)).toBe(required.startsWith(`${path}:`));
        },
      ),
    );
  });

  it("stops a wildcard at a segment boundary (no prefix confusion)", () => {
    const longerSegment = fc.stringMatching(/^[-_]?[a-z0-9]{1,4}$/);
    fc.assert(
      fc.property(scopePath, segment, longerSegment, validScope, (path, name, suffix, tail) => {
        const wildcard = `${path}:${name}:*`;
        const lookalike = `${path}:${name}${suffix}`;
        expect(isValidScope(lookalike)).toBe(true);
        expect(grants(wildcard, lookalike)).toBe(false);
        expect(grants(wildcard, `${lookalike}:${tail}`)).toBe(false);
        expect(grants(wildcard, `${path}:${name}`)).toBe(false);
      }),
    );
  });

  it("never lets an invalid scope grant or be granted", () => {
    fc.assert(
      fc.property(anyScopeLikeString, validScope, (invalid, valid) => {
        fc.pre(!isValidScope(invalid));
        expect(grants(invalid, valid)).toBe(false);
        expect(grants(valid, invalid)).toBe(false);
        expect(grants(invalid, invalid)).toBe(false);
      }),
    );
  });

  // Exhaustive over a small universe dense with near-collisions ("a", "a-b", "a:b", ...).
  const universe = (() => {
    const segments = ["a", "b", "a-b"];
    let paths = segments;
    const all = [...segments];
    for (let depth = 2; depth <= 3; depth++) {
      paths = paths.flatMap((path) => segments.map((next) => `${path}:${next}`));
      all.push(...paths);
    }
    return [...all, ...all.map((path) => `${path}:*`)];
  })();
  const relation = universe.map((a) => universe.map((b) => grants(a, b)));

  it("is transitive: if a grants b and b grants c, a grants c", () => {
    universe.forEach((_, a) => {
      universe.forEach((_, b) => {
        if (!relation[a]?.[b]) return;
        universe.forEach((_, c) => {
          if (relation[b]?.[c] && !relation[a]?.[c]) {
            throw new Error(
              `${universe[a]} > ${universe[b]} > ${universe[c]} but not transitively`,
            );
          }
        });
      });
    });
    fc.assert(
      fc.property(validScope, validScope, validScope, (a, b, c) => {
        if (grants(a, b) && grants(b, c)) expect(grants(a, c)).toBe(true);
      }),
    );
    fc.assert(
      fc.property(scopePath, scopePath, validScope, (p, q, tail) => {
        const a = `${p}:*`;
        const b = `${p}:${q}:*`;
        const c = `${p}:${q}:${tail}`;
        expect(grants(a, b) && grants(b, c) && grants(a, c)).toBe(true);
      }),
    );
  });

  it("is antisymmetric: two different scopes never grant each other", () => {
    universe.forEach((_, a) => {
      universe.forEach((_, b) => {
        if (a !== b) expect(relation[a]?.[b] && relation[b]?.[a]).toBe(false);
      });
    });
  });
});

describe("satisfies, satisfiesAll and missingScopes", () => {
  it("needs some granted scope that grants the required one", () => {
    expect(satisfies([], "mcp:tools:climate")).toBe(false);
    expect(satisfies(["mcp:data:news:read", "mcp:tools:*"], "mcp:tools:climate")).toBe(true);
    expect(satisfies(["mcp:data:*"], "mcp:tools:climate")).toBe(false);
  });

  it("reports what is missing, de-duplicated, in required order", () => {
    expect(
      missingScopes(
        ["mcp:tools:*"],
        [
          "mcp:data:watchlist:write",
          "mcp:tools:climate",
          "mcp:data:news:read",
          "mcp:data:watchlist:write",
        ],
      ),
    ).toEqual(["mcp:data:watchlist:write", "mcp:data:news:read"]);
    expect(satisfiesAll(["a"], [])).toBe(true);
  });

  it("holds satisfiesAll exactly when nothing is missing", () => {
    fc.assert(
      fc.property(
        fc.array(validScope, { maxLength: 6 }),
        fc.array(anyScopeLikeString, { maxLength: 6 }),
        (granted, required) => {
          const missing = missingScopes(granted, required);
          expect(satisfiesAll(granted, required)).toBe(missing.length === 0);
          for (const scope of required) {
            expect(missing.includes(scope)).toBe(!satisfies(granted, scope));
          }
        },
      ),
    );
  });
});

describe("narrowScopes", () => {
  it("keeps what the client may ask for and refuses the rest", () => {
    expect(
      narrowScopes(
        [
          "mcp:operations:automation:digest",
          "admin:clients",
          "mcp:tools:climate",
          "mcp:operations:automation:digest",
          "Bad",
        ],
        ["mcp:tools:climate", "mcp:operations:automation:*"],
      ),
    ).toEqual({
      granted: ["mcp:operations:automation:digest", "mcp:tools:climate"],
      refused: ["admin:clients", "Bad"],
    });
  });

  it("refuses a broader wildcard than the client is allowed", () => {
    expect(narrowScopes(["mcp:*"], ["mcp:tools:*"])).toEqual({ granted: [], refused: ["mcp:*"] });
  });

  it("partitions the de-duplicated request", () => {
    fc.assert(
      fc.property(
        fc.array(anyScopeLikeString, { maxLength: 8 }),
        fc.array(validScope, { maxLength: 6 }),
        (requested, allowed) => {
          const { granted, refused } = narrowScopes(requested, allowed);
          const deduplicated = [...new Set(requested)];
          expect(deduplicated.filter((scope) => granted.includes(scope))).toEqual(granted);
          expect(deduplicated.filter((scope) => refused.includes(scope))).toEqual(refused);
          expect([...granted, ...refused].sort()).toEqual([...deduplicated].sort());
          expect(granted.some((scope) => refused.includes(scope))).toBe(false);
          expect(granted.every((scope) => satisfies(allowed, scope))).toBe(true);
          expect(refused.some((scope) => satisfies(allowed, scope))).toBe(false);
        },
      ),
    );
  });
});
