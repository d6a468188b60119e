// How the Access phase shows what the MCP server answered: the tool's one-line summary and a few fields.
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { Detail } from "./trace";

/** The first line of the first text block: this server's tools open with a one-line summary. */
export function toolSummary(result: CallToolResult): string {
  const text = result.content.find((block) => block.type === "text");
  return text?.type === "text" ? (text.text.split("\n")[0] ?? "") : "(no text content)";
}

/** The parts of a get_ticker_sentiment result worth a line each, from its structuredContent. */
export function tickerSentimentDetails(result: CallToolResult): Detail[] {
  const content = result.structuredContent as
    | {
        distribution?: Record<string, number>;
        topArticles?: { headline?: string; score?: number; date?: string }[];
        provenance?: { dataset?: string; engineVersion?: string };
      }
    | undefined;
  if (!content) return [];
  const details: Detail[] = [];
  if (content.distribution) {
    details.push([
      "distribution",
      Object.entries(content.distribution)
        .map(([label, count]) => `${label} ${count}`)
        .join(", "),
    ]);
  }
  const top = content.topArticles?.[0];
  if (top?.headline) {
    details.push([
      "top article",
      `${top.headline}${top.score === undefined ? "" : ` (${top.score})`}`,
    ]);
  }
  if (content.provenance?.dataset) {
    details.push([
      "provenance",
      `${content.provenance.dataset}${content.provenance.engineVersion ? `, engine ${content.provenance.engineVersion}` : ""}`,
    ]);
  }
  return details;
}
