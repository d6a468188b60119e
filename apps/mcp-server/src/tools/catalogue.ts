// The one tool → scope table: the HTTP layer, each tool, tools/list and the 401 challenge all read it.
import { grants, isKnownScope } from "@repo/scopes";

export interface ToolAccess {
  /** The scope a token must grant (exactly, or through a wildcard such as `mcp:operations:automation:*`). */
  scope: string;
  /**
   * Whose data the tool touches: `user` tools read or change one person's records, keyed by the
   * token's `sub`, so a token without a person behind it (client credentials) cannot use them.
   */
  actsFor: "anyone" | "user";
}

export const TOOL_ACCESS = {
  analyze_sentiment: { scope: "mcp:tools:sentiment:read", actsFor: "anyone" },
  analyze_headlines: { scope: "mcp:tools:sentiment:read", actsFor: "anyone" },
  get_ticker_sentiment: { scope: "mcp:tools:sentiment:read", actsFor: "anyone" },
  compare_tickers: { scope: "mcp:tools:sentiment:read", actsFor: "anyone" },
  get_sentiment_history: { scope: "mcp:tools:sentiment:read", actsFor: "anyone" },
  list_news: { scope: "mcp:data:news:read", actsFor: "anyone" },
  climate_risk_sentiment: { scope: "mcp:tools:climate", actsFor: "anyone" },
  whoami: { scope: "mcp:data:client-info:read", actsFor: "anyone" },
  watchlist_list: { scope: "mcp:data:watchlist:read", actsFor: "user" },
  watchlist_add: { scope: "mcp:data:watchlist:write", actsFor: "user" },
  watchlist_remove: { scope: "mcp:data:watchlist:write", actsFor: "user" },
  schedule_digest: { scope: "mcp:operations:automation:digest", actsFor: "user" },
} as const satisfies Record<string, ToolAccess>;

export type ToolName = keyof typeof TOOL_ACCESS;

export const TOOL_NAMES = Object.keys(TOOL_ACCESS) as ToolName[];

export function isToolName(name: string): name is ToolName {
  return Object.hasOwn(TOOL_ACCESS, name);
}

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
