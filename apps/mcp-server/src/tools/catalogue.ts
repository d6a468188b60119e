// What the tool → scope table (@repo/scopes' TOOL_ACCESS) means for a call: the HTTP layer, each tool,
// tools/list and the 401 challenge all read it through these.
import {
  grants,
  isKnownScope,
  isToolName,
  TOOL_ACCESS,
  type ToolAccess,
  type ToolName,
} from "@repo/scopes";

/** The scopes a call of `name` needs; none for a name that is no tool (the SDK answers that call). */
export function requiredScopesFor(name: string): string[] {
  return isToolName(name) ? [TOOL_ACCESS[name].scope] : [];
}

/**
 * Whether a token's scopes allow calling the tool. Only scopes the scope catalogue knows count: a
 * wildcard it does not define (`mcp:*`) grants nothing, while its own (`mcp:operations:automation:*`)
 * grants what falls under it.
 */
export function mayCall(grantedScopes: readonly string[], name: ToolName): boolean {
  const { scope } = TOOL_ACCESS[name];
  return grantedScopes.some((granted) => isKnownScope(granted) && grants(granted, scope));
}

/**
 * What a client should ask for first (the `scope` of a 401 challenge): the scopes of the tools that
 * only read shared data. Tools on a person's data or acting for them are reached by step-up, after a
 * 403 names their scope, so a first consent screen never asks for more than reading.
 */
export const INITIAL_SCOPES: readonly string[] = [
  ...new Set(
    Object.values(TOOL_ACCESS as Record<ToolName, ToolAccess>)
      .filter((access) => access.actsFor === "anyone")
      .map((access) => access.scope),
  ),
];
