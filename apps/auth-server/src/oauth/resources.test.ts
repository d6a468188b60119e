import { describe, expect, it } from "vitest";
import { OAuthError } from "../http/oauth-error";
import { type ResourceRegistry, resolveResource, scopeAudience } from "./resources";

const MCP = {
  identifier: "http://localhost:4100/mcp",
  audience: "mcp",
  name: "Financial sentiment MCP server",
} as const;
const REGISTRY: ResourceRegistry = [MCP];

function targetError(requested: string[] | undefined): string | undefined {
  try {
    resolveResource(REGISTRY, requested);
    return undefined;
  } catch (error) {
    return error instanceof OAuthError ? error.code : "not an OAuthError";
  }
}

describe("resolveResource (RFC 8707)", () => {
  it("resolves the canonical URI, accepting uppercase scheme and host", () => {
    expect(resolveResource(REGISTRY, ["http://localhost:4100/mcp"])).toBe(MCP);
    expect(resolveResource(REGISTRY, ["HTTP://LocalHost:4100/mcp"])).toBe(MCP);
  });

  it.each([
    ["a different path case", ["http://localhost:4100/MCP"]],
    ["a trailing slash", ["http://localhost:4100/mcp/"]],
    ["another port", ["http://localhost:4101/mcp"]],
    ["a fragment", ["http://localhost:4100/mcp#a"]],
    ["a relative reference", ["/mcp"]],
    ["two resources", ["http://localhost:4100/mcp", "http://localhost:4100/mcp"]],
    ["no resource and no fallback", undefined],
  ])("refuses %s with invalid_target", (_, requested) => {
    expect(targetError(requested)).toBe("invalid_target");
  });

  it("uses the fallback when no resource is requested", () => {
    expect(resolveResource(REGISTRY, [], MCP)).toBe(MCP);
  });
});

describe("scopeAudience", () => {
  it("knows catalogue scopes, scopes under a catalogue wildcard, and nothing else", () => {
    expect(scopeAudience("mcp:tools:sentiment:read")).toBe("mcp");
    expect(scopeAudience("mcp:operations:automation:reports")).toBe("mcp");
    expect(scopeAudience("admin:clients")).toBe("internal");
    expect(scopeAudience("mcp:unknown")).toBeUndefined();
  });
});
