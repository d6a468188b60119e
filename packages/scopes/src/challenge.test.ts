import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { challengeScope } from "./challenge";
import { isValidScope, MAX_SCOPE_TOKENS, parseScopeParameter } from "./grammar";
import { anyScopeLikeString, validScope } from "./scope-arbitraries";

describe("challengeScope", () => {
  it('is "" when the operation needs no scope', () => {
    expect(challengeScope([])).toBe("");
  });

  it("lists exactly the scopes the operation needs, de-duplicated, in order", () => {
    expect(
      challengeScope([
        "mcp:data:watchlist:write",
        "mcp:data:watchlist:read",
        "mcp:data:watchlist:write",
      ]),
    ).toBe("mcp:data:watchlist:write mcp:data:watchlist:read");
  });

  it("never advertises offline_access (SEP-2207, RS-6)", () => {
    expect(challengeScope(["offline_access"])).toBe("");
    expect(challengeScope(["mcp:tools:climate", "offline_access"])).toBe("mcp:tools:climate");
  });

  it("cannot break out of the quoted WWW-Authenticate parameter", () => {
    expect(challengeScope(['a" error="x', "b\\", "c d", "e\r\nSet-Cookie: x=1", "ok"])).toBe("ok");
  });

  it("never contains offline_access and round-trips through parseScopeParameter", () => {
    const required = fc.array(
      fc.oneof(validScope, anyScopeLikeString, fc.constant("offline_access")),
      { maxLength: MAX_SCOPE_TOKENS },
    );
    fc.assert(
      fc.property(required, (scopes) => {
        const value = challengeScope(scopes);
        expect(value.split(" ")).not.toContain("offline_access");
        const parsed = parseScopeParameter(value);
        expect(parsed).toEqual({
          ok: true,
          scopes: [...new Set(scopes)].filter(
            (scope) => scope !== "offline_access" && isValidScope(scope),
          ),
        });
      }),
    );
  });
});
