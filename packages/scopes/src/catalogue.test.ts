import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compareRisk,
  describeScopes,
  findScopeDefinition,
  isKnownScope,
  RISK_LEVELS,
  type RiskLevel,
  SCOPE_CATALOGUE,
  type ScopeDefinition,
  scopesForAudience,
} from "./catalogue";
import { isValidScope } from "./grammar";
import { anyScopeLikeString } from "./scope-arbitraries";

const MCP_SCOPES = [
  "mcp:tools:sentiment:read",
  "mcp:tools:climate",
  "mcp:data:news:read",
  "mcp:data:watchlist:read",
  "mcp:data:watchlist:write",
  "mcp:data:client-info:read",
  "mcp:operations:automation:*",
  "mcp:operations:automation:digest",
  "mcp:operations:automation:alerts",
];
const INTERNAL_SCOPES = [
  "admin:clients",
  "admin:users",
  "admin:grants",
  "admin:keys",
  "admin:audit:read",
  "internal:account",
  "internal:interactions",
];
const MCP_ADMIN_SCOPES = ["admin:mcp:audit:read"];

function names(definitions: readonly ScopeDefinition[]): string[] {
  return definitions.map((definition) => definition.name);
}

describe("SCOPE_CATALOGUE", () => {
  it("holds exactly the documented scopes, in order", () => {
    expect(names(SCOPE_CATALOGUE)).toEqual([
      ...MCP_SCOPES,
      ...INTERNAL_SCOPES,
      ...MCP_ADMIN_SCOPES,
    ]);
  });

  it("has no duplicate names", () => {
    expect(new Set(names(SCOPE_CATALOGUE)).size).toBe(SCOPE_CATALOGUE.length);
  });

  it("leaves out offline_access and openid, which are not permissions on a resource", () => {
    expect(findScopeDefinition("offline_access")).toBeUndefined();
    expect(findScopeDefinition("openid")).toBeUndefined();
    expect(isKnownScope("offline_access")).toBe(false);
  });

  it.each(SCOPE_CATALOGUE.map((definition) => [definition.name, definition] as const))(
    "%s is valid, known, and described for a consent page",
    (name, definition) => {
      expect(isValidScope(name)).toBe(true);
      expect(isKnownScope(name)).toBe(true);
      expect(findScopeDefinition(name)).toBe(definition);
      expect(definition.title.length).toBeGreaterThan(0);
      expect(definition.title.length).toBeLessThanOrEqual(40);
      expect(definition.description).toMatch(/^[A-Z].*\.$/);
      expect(RISK_LEVELS).toContain(definition.risk);
      expect(["mcp", "internal", "mcp-admin"]).toContain(definition.audience);
    },
  );

  it("rates every automation and admin-changing scope high", () => {
    for (const name of [
      "mcp:operations:automation:*",
      "mcp:operations:automation:digest",
      "mcp:operations:automation:alerts",
      "admin:clients",
      "admin:users",
      "admin:grants",
      "admin:keys",
      "internal:interactions",
    ]) {
      expect(findScopeDefinition(name)?.risk).toBe("high");
    }
  });

  it("cannot be altered by a consumer", () => {
    const first = SCOPE_CATALOGUE[0] as ScopeDefinition;
    expect(() => {
      first.risk = "high";
      first.description = "harmless";
    }).toThrow(TypeError);
    expect(() => (SCOPE_CATALOGUE as ScopeDefinition[]).push(first)).toThrow(TypeError);
  });
});

describe("isKnownScope", () => {
  it.each([
    ["mcp:operations:automation:weekly-report", true],
    ["mcp:operations:automation:alerts:critical", true],
    ["mcp:operations:automation", false],
    ["mcp:operations:*", false],
    ["mcp:*", false],
    ["mcp:tools:sentiment:write", false],
    ["mcp:tools:climate:read", false],
    ["Mcp:tools:climate", false],
    ["admin:*", false],
    ["admin:audit:write", false],
  ])("%j -> %s", (scope, expected) => {
    expect(isKnownScope(scope)).toBe(expected);
  });

  it("never knows an invalid scope", () => {
    fc.assert(
      fc.property(anyScopeLikeString, (scope) => {
        if (!isValidScope(scope)) expect(isKnownScope(scope)).toBe(false);
      }),
    );
  });
});

describe("describeScopes", () => {
  it("puts the highest risk first, then catalogue order", () => {
    expect(
      names(
        describeScopes([
          "mcp:tools:climate",
          "mcp:data:watchlist:read",
          "mcp:operations:automation:alerts",
          "mcp:tools:sentiment:read",
          "mcp:operations:automation:digest",
          "admin:audit:read",
        ]),
      ),
    ).toEqual([
      "mcp:operations:automation:digest",
      "mcp:operations:automation:alerts",
      "mcp:data:watchlist:read",
      "admin:audit:read",
      "mcp:tools:sentiment:read",
      "mcp:tools:climate",
    ]);
  });

  it("describes a known scope without its own entry by the wildcard that grants it, once", () => {
    expect(
      names(
        describeScopes([
          "mcp:operations:automation:weekly-report",
          "mcp:operations:automation:monthly-report",
        ]),
      ),
    ).toEqual(["mcp:operations:automation:*"]);
  });

  it("omits unknown scopes rather than inventing a description", () => {
    expect(describeScopes(["mcp:*", "offline_access", "Bad", "mcp:tools:climate"])).toEqual([
      findScopeDefinition("mcp:tools:climate"),
    ]);
  });

  it("is sorted by risk then catalogue position for any request", () => {
    const position = (definition: ScopeDefinition) => SCOPE_CATALOGUE.indexOf(definition);
    const requested = fc.array(
      fc.oneof(
        fc.constantFrom(...names(SCOPE_CATALOGUE)),
        fc.constant("mcp:operations:automation:other"),
        anyScopeLikeString,
      ),
      { maxLength: 10 },
    );
    fc.assert(
      fc.property(requested, (scopes) => {
        const shown = describeScopes(scopes);
        expect(new Set(shown).size).toBe(shown.length);
        for (let index = 1; index < shown.length; index++) {
          const before = shown[index - 1] as ScopeDefinition;
          const after = shown[index] as ScopeDefinition;
          const order = compareRisk(after.risk, before.risk) || position(before) - position(after);
          expect(order).toBeLessThan(0);
        }
        for (const scope of scopes) {
          if (findScopeDefinition(scope)) expect(shown).toContain(findScopeDefinition(scope));
        }
        expect(shown.length === 0).toBe(!scopes.some(isKnownScope));
      }),
    );
  });
});

describe("scopesForAudience", () => {
  it("lists each resource's scopes in catalogue order", () => {
    expect(scopesForAudience("mcp")).toEqual(MCP_SCOPES);
    expect(scopesForAudience("internal")).toEqual(INTERNAL_SCOPES);
    expect(scopesForAudience("mcp-admin")).toEqual(MCP_ADMIN_SCOPES);
  });

  it("keeps the MCP server's admin scope out of the MCP scopes (so it is never advertised or consented)", () => {
    expect(scopesForAudience("mcp")).not.toContain("admin:mcp:audit:read");
  });
});

describe("compareRisk", () => {
  it("orders low < medium < high", () => {
    const levels: RiskLevel[] = ["high", "low", "medium", "low"];
    expect(levels.sort(compareRisk)).toEqual(["low", "low", "medium", "high"]);
    expect(compareRisk("medium", "medium")).toBe(0);
    expect(compareRisk("low", "high")).toBeLessThan(0);
    expect(compareRisk("high", "medium")).toBeGreaterThan(0);
  });
});
