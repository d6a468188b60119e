import { describe, expect, it } from "vitest";
import { findScopeDefinition } from "./catalogue";
import { isToolName, TOOL_ACCESS, TOOL_NAMES } from "./tools";

describe("the tool → scope table", () => {
  it.each(TOOL_NAMES)("%s needs an MCP scope the catalogue defines", (name) => {
    expect(findScopeDefinition(TOOL_ACCESS[name].scope)?.audience).toBe("mcp");
  });

  it("knows its own tools and nothing inherited from Object.prototype", () => {
    expect(isToolName("whoami")).toBe(true);
    expect(isToolName("toString")).toBe(false);
    expect(isToolName("__proto__")).toBe(false);
  });
});
