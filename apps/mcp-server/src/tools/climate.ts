// climate_risk_sentiment (scope mcp:tools:climate): how the news speaks about climate risk.
import { climateRiskSentiment } from "@repo/sentiment";
import { z } from "zod";
import {
  DateWindowInput,
  formatScore,
  knownCompany,
  ProvenanceSchema,
  provenance,
  resolveWindow,
  ScoredArticleSchema,
  ScoreSchema,
  SentimentLabelSchema,
  scoredArticle,
  TickerInput,
  WindowSchema,
} from "./schemas";
import { defineTool } from "./tool";

const DEFAULT_WINDOW_DAYS = 90;

export const climateRiskSentimentTool = defineTool({
  name: "climate_risk_sentiment",
  title: "Climate-risk sentiment",
  description: `Measures the sentiment of climate-risk news (physical risk, transition, regulation) over a date window (default: the ${DEFAULT_WINDOW_DAYS} days up to the dataset's as-of date), for one company or across all of them, with the articles that weigh most.`,
  inputSchema: z.object({ ticker: TickerInput.optional(), ...DateWindowInput }),
  outputSchema: z.object({
    window: WindowSchema,
    ticker: z.string().nullable(),
    articleCount: z.number().int().min(0),
    averageScore: ScoreSchema.nullable().describe(
      "Null when no climate article falls in the window",
    ),
    label: SentimentLabelSchema.nullable(),
    byTicker: z.array(
      z.object({
        ticker: z.string(),
        articleCount: z.number().int().min(0),
        averageScore: ScoreSchema.nullable(),
      }),
    ),
    topArticles: z.array(ScoredArticleSchema),
    provenance: ProvenanceSchema,
  }),
  annotations: {
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  run: (input) => {
    const ticker = input.ticker === undefined ? undefined : knownCompany(input.ticker).ticker;
    const window = resolveWindow(input, DEFAULT_WINDOW_DAYS);
    const result = climateRiskSentiment(window, ticker);
    const { articleCount, averageScore, label } = result;
    return {
      structuredContent: {
        window,
        ticker: ticker ?? null,
        articleCount,
        averageScore,
        label,
        byTicker: result.byTicker.map((entry) => ({
          ticker: entry.ticker,
          articleCount: entry.articleCount,
          averageScore: entry.averageScore,
        })),
        topArticles: result.topArticles.map(scoredArticle),
        provenance: provenance(),
      },
      summary:
        articleCount === 0
          ? `No climate-risk articles${ticker ? ` about ${ticker}` : ""} between ${window.from} and ${window.to}.`
          : `Climate-risk news${ticker ? ` about ${ticker}` : ""}, ${window.from} to ${window.to}: ${label} (score ${formatScore(averageScore)}) over ${articleCount} article(s).`,
    };
  },
});
