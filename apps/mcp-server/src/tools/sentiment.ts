// Sentiment tools (scope mcp:tools:sentiment:read): free text, headlines, and tickers over the dataset.
import {
  analyzeSentiment,
  labelForScore,
  SENTIMENT_LABELS,
  type SentimentLabel,
  sentimentHistory,
  tickerSentiment,
} from "@repo/sentiment";
import { z } from "zod";
import {
  CompanySchema,
  companyOutput,
  DateWindowInput,
  DistributionSchema,
  formatScore,
  knownCompany,
  ProvenanceSchema,
  provenance,
  resolveWindow,
  ScoredArticleSchema,
  ScoreSchema,
  SentimentLabelSchema,
  SentimentSchema,
  scoredArticle,
  sentimentOutput,
  TickerInput,
  WindowSchema,
} from "./schemas";
import { defineTool, ToolError, type ToolHints } from "./tool";

const READ_ONLY: ToolHints = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};

const DEFAULT_WINDOW_DAYS = 30;

export const analyzeSentimentTool = defineTool({
  name: "analyze_sentiment",
  title: "Analyze text sentiment",
  description:
    "Scores the financial sentiment of a text from -1 (bearish) to 1 (bullish), with a five-level label, a confidence, and the phrases that decided it.",
  inputSchema: z.object({
    text: z
      .string()
      .min(1)
      .max(10_000)
      .describe("The text to score, e.g. a headline or a paragraph"),
  }),
  outputSchema: SentimentSchema.extend({ provenance: ProvenanceSchema }),
  annotations: READ_ONLY,
  run: ({ text }) => {
    const result = sentimentOutput(analyzeSentiment(text));
    return {
      structuredContent: { ...result, provenance: provenance() },
      summary: `${result.label} (score ${formatScore(result.score)}, confidence ${result.confidence.toFixed(2)}) from ${result.evidence.length} matched phrase(s).`,
    };
  },
});

function emptyDistribution(): Record<SentimentLabel, number> {
  return Object.fromEntries(SENTIMENT_LABELS.map((label) => [label, 0])) as Record<
    SentimentLabel,
    number
  >;
}

export const MAX_HEADLINES = 50;

export const analyzeHeadlinesTool = defineTool({
  name: "analyze_headlines",
  title: "Analyze headlines",
  description: `Scores up to ${MAX_HEADLINES} headlines at once and summarises them: each headline's score and label, their average, and how many fall under each label.`,
  inputSchema: z.object({
    headlines: z
      .array(z.string().min(1).max(1_000))
      .min(1)
      .max(MAX_HEADLINES)
      .describe("The headlines to score, one per entry"),
  }),
  outputSchema: z.object({
    results: z.array(SentimentSchema.extend({ headline: z.string() })),
    averageScore: ScoreSchema,
    label: SentimentLabelSchema,
    distribution: DistributionSchema,
    provenance: ProvenanceSchema,
  }),
  annotations: READ_ONLY,
  run: ({ headlines }) => {
    const results = headlines.map((headline) => ({
      headline,
      ...sentimentOutput(analyzeSentiment(headline)),
    }));
    const distribution = emptyDistribution();
    for (const result of results) distribution[result.label] += 1;
    const averageScore = results.reduce((sum, result) => sum + result.score, 0) / results.length;
    const label = labelForScore(averageScore);
    return {
      structuredContent: { results, averageScore, label, distribution, provenance: provenance() },
      summary: `${results.length} headline(s): ${label} on average (score ${formatScore(averageScore)}); ${SENTIMENT_LABELS.map((name) => `${name} ${distribution[name]}`).join(", ")}.`,
    };
  },
});

const TickerWindowInput = z.object({ ticker: TickerInput, ...DateWindowInput });

const AggregateFields = {
  articleCount: z.number().int().min(0),
  averageScore: ScoreSchema.nullable().describe("Null when no article falls in the window"),
  label: SentimentLabelSchema.nullable(),
};

export const getTickerSentimentTool = defineTool({
  name: "get_ticker_sentiment",
  title: "Ticker sentiment",
  description: `Summarises the news sentiment about one company over a date window (default: the ${DEFAULT_WINDOW_DAYS} days up to the dataset's as-of date): article count, average score and label, the distribution over labels, and the articles that weigh most.`,
  inputSchema: TickerWindowInput,
  outputSchema: z.object({
    ticker: z.string(),
    company: CompanySchema,
    window: WindowSchema,
    ...AggregateFields,
    distribution: DistributionSchema,
    topArticles: z.array(ScoredArticleSchema),
    provenance: ProvenanceSchema,
  }),
  annotations: READ_ONLY,
  run: (input) => {
    const company = knownCompany(input.ticker);
    const window = resolveWindow(input, DEFAULT_WINDOW_DAYS);
    const summary = tickerSentiment(company.ticker, window);
    if (summary === undefined) throw new ToolError(`No sentiment for ${company.ticker}.`);
    const { articleCount, averageScore, label, distribution } = summary;
    return {
      structuredContent: {
        ticker: company.ticker,
        company: companyOutput(company),
        window,
        articleCount,
        averageScore,
        label,
        distribution,
        topArticles: summary.topArticles.map(scoredArticle),
        provenance: provenance(),
      },
      summary:
        articleCount === 0
          ? `No articles about ${company.ticker} between ${window.from} and ${window.to}.`
          : `${company.name} (${company.ticker}), ${window.from} to ${window.to}: ${label} (score ${formatScore(averageScore)}) over ${articleCount} article(s).`,
    };
  },
});

export const MAX_COMPARED_TICKERS = 10;

export const compareTickersTool = defineTool({
  name: "compare_tickers",
  title: "Compare tickers",
  description: `Compares the news sentiment of 2 to ${MAX_COMPARED_TICKERS} companies over the same date window, ranked from most bullish to most bearish; companies without articles come last.`,
  inputSchema: z.object({
    tickers: z
      .array(TickerInput)
      .min(2)
      .max(MAX_COMPARED_TICKERS)
      .describe("The tickers to compare"),
    ...DateWindowInput,
  }),
  outputSchema: z.object({
    window: WindowSchema,
    ranking: z.array(z.object({ ticker: z.string(), name: z.string(), ...AggregateFields })),
    provenance: ProvenanceSchema,
  }),
  annotations: READ_ONLY,
  run: (input) => {
    const companies = [...new Set(input.tickers)].map(knownCompany);
    if (companies.length < 2) throw new ToolError("Name at least two different tickers.");
    const window = resolveWindow(input, DEFAULT_WINDOW_DAYS);
    const ranking = companies
      .map((company) => {
        const summary = tickerSentiment(company.ticker, window);
        return {
          ticker: company.ticker,
          name: company.name,
          articleCount: summary?.articleCount ?? 0,
          averageScore: summary?.averageScore ?? null,
          label: summary?.label ?? null,
        };
      })
      .sort(
        (a, b) =>
          (b.averageScore ?? Number.NEGATIVE_INFINITY) -
            (a.averageScore ?? Number.NEGATIVE_INFINITY) || a.ticker.localeCompare(b.ticker),
      );
    return {
      structuredContent: { window, ranking, provenance: provenance() },
      summary: `${window.from} to ${window.to}: ${ranking.map((entry) => `${entry.ticker} ${formatScore(entry.averageScore)}`).join(" > ")}.`,
    };
  },
});

export const getSentimentHistoryTool = defineTool({
  name: "get_sentiment_history",
  title: "Sentiment history",
  description: `The daily news sentiment about one company over a date window (default: the ${DEFAULT_WINDOW_DAYS} days up to the dataset's as-of date), one entry per day; days without articles have no score.`,
  inputSchema: TickerWindowInput,
  outputSchema: z.object({
    ticker: z.string(),
    window: WindowSchema,
    series: z.array(z.object({ date: z.iso.date(), ...AggregateFields })),
    provenance: ProvenanceSchema,
  }),
  annotations: READ_ONLY,
  run: (input) => {
    const company = knownCompany(input.ticker);
    const window = resolveWindow(input, DEFAULT_WINDOW_DAYS);
    const series = sentimentHistory(company.ticker, window);
    if (series === undefined) throw new ToolError(`No sentiment history for ${company.ticker}.`);
    const days = series.map(({ date, articleCount, averageScore, label }) => ({
      date,
      articleCount,
      averageScore,
      label,
    }));
    const scoredDays = days.filter((day) => day.averageScore !== null).length;
    return {
      structuredContent: { ticker: company.ticker, window, series: days, provenance: provenance() },
      summary: `${company.ticker}, ${window.from} to ${window.to}: ${series.length} day(s), ${scoredDays} with articles.`,
    };
  },
});
