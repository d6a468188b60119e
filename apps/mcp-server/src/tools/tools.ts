// Every tool this server offers, in the order tools/list shows them.
import { climateRiskSentimentTool } from "./climate";
import { scheduleDigestTool } from "./digest";
import { listNewsTool } from "./news";
import {
  analyzeHeadlinesTool,
  analyzeSentimentTool,
  compareTickersTool,
  getSentimentHistoryTool,
  getTickerSentimentTool,
} from "./sentiment";
import type { Tool } from "./tool";
import { watchlistAddTool, watchlistListTool, watchlistRemoveTool } from "./watchlist";
import { whoamiTool } from "./whoami";

export const TOOLS: readonly Tool[] = [
  analyzeSentimentTool,
  analyzeHeadlinesTool,
  getTickerSentimentTool,
  compareTickersTool,
  getSentimentHistoryTool,
  listNewsTool,
  climateRiskSentimentTool,
  whoamiTool,
  watchlistListTool,
  watchlistAddTool,
  watchlistRemoveTool,
  scheduleDigestTool,
];
