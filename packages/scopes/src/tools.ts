// Which scope each of the MCP server's tools needs: the server enforces it, the admin console shows it.
// Beside the catalogue because it is the same kind of fact: what a scope opens in this deployment.

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
