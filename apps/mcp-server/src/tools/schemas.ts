// Schemas the tools share: tickers and date windows in, sentiment, articles and provenance out.
import {
  type Company,
  type DateWindow,
  defaultWindow,
  ENGINE_VERSION,
  findCompany,
  NEWS_DATASET,
  type ScoredArticle,
  SENTIMENT_LABELS,
  type SentimentLabel,
  type SentimentResult,
} from "@repo/sentiment";
import { z } from "zod";
import { ToolError } from "./tool";

// ---------------------------------------------------------------------------------------------
// Input

export const TickerInput = z
  .string()
  .trim()
  .regex(/^[A-Za-z][A-Za-z0-9.-]{0,9}$/, "a stock ticker such as AAPL")
  .transform((ticker) => ticker.toUpperCase())
  .describe("Stock ticker symbol, e.g. AAPL (case-insensitive)");

const IsoDate = z.iso.date();

/**
 * The days a window may cover. `z.iso.date()` accepts year 0000, and a window reaching back from
 * there needs an expanded year (-000001-12-27) that no YYYY-MM-DD reader takes: the engine threw on
 * it. Four-digit years from the Unix epoch on are all the dataset could ever hold.
 */
export const FIRST_WINDOW_DAY = "1970-01-01";
export const LAST_WINDOW_DAY = "9999-12-31";

// YYYY-MM-DD strings with four-digit years order as the dates do.
function isWindowDay(isoDate: string): boolean {
  return isoDate >= FIRST_WINDOW_DAY && isoDate <= LAST_WINDOW_DAY;
}

function windowDay(field: "from" | "to") {
  return IsoDate.refine(isWindowDay, {
    message: `${field} must be a date from ${FIRST_WINDOW_DAY} to ${LAST_WINDOW_DAY}`,
  });
}

/** Longest window a tool reads: the whole dataset fits, and no call scans more than a year. */
export const MAX_WINDOW_DAYS = 366;

export const DateWindowInput = {
  from: windowDay("from")
    .optional()
    .describe(`First day (YYYY-MM-DD, ${FIRST_WINDOW_DAY} at the earliest), inclusive`),
  to: windowDay("to")
    .optional()
    .describe(
      `Last day (YYYY-MM-DD, ${LAST_WINDOW_DAY} at the latest), inclusive; defaults to the dataset's as-of date`,
    ),
  days: z
    .number()
    .int()
    .min(1)
    .max(MAX_WINDOW_DAYS)
    .optional()
    .describe("Window length in days ending at `to`, used when `from` is not given"),
};

const DAY_MS = 86_400_000;

function addDays(isoDate: string, days: number): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The window a call asked for; by default the `defaultDays` days up to the dataset's as-of date. */
export function resolveWindow(
  input: { from?: string; to?: string; days?: number },
  defaultDays: number,
): DateWindow {
  if (input.from === undefined && input.to === undefined) {
    return defaultWindow(input.days ?? defaultDays);
  }
  const to = input.to ?? defaultWindow(1).to;
  const from = input.from ?? addDays(to, -((input.days ?? defaultDays) - 1));
  // The input schema bounds `from` and `to`; a `from` counted back from `to` needs the same check.
  if (!isWindowDay(from)) {
    throw new ToolError(
      `The window starts (${from}) before ${FIRST_WINDOW_DAY}, the earliest day a window may cover. Ask for fewer days or a later end.`,
    );
  }
  if (from > to) throw new ToolError(`The window starts (${from}) after it ends (${to}).`);
  if ((Date.parse(to) - Date.parse(from)) / DAY_MS + 1 > MAX_WINDOW_DAYS) {
    throw new ToolError(`The window is longer than ${MAX_WINDOW_DAYS} days.`);
  }
  return { from, to };
}

/** The company for a ticker, or a refusal that lists the tickers the dataset covers. */
export function knownCompany(ticker: string) {
  const company = findCompany(ticker);
  if (company === undefined) {
    const known = NEWS_DATASET.companies.map((entry) => entry.ticker).join(", ");
    throw new ToolError(`Unknown ticker ${ticker}. The dataset covers: ${known}.`);
  }
  return company;
}

// ---------------------------------------------------------------------------------------------
// Output

export const SentimentLabelSchema = z.enum(
  SENTIMENT_LABELS as [SentimentLabel, ...SentimentLabel[]],
);

export const ScoreSchema = z.number().min(-1).max(1);

export const EvidenceSchema = z.object({
  phrase: z.string(),
  start: z.number().int().min(0),
  end: z.number().int().min(0),
  weight: z.number(),
  rule: z.string(),
});

export const SentimentSchema = z.object({
  score: ScoreSchema,
  label: SentimentLabelSchema,
  confidence: z.number().min(0).max(1),
  evidence: z.array(EvidenceSchema),
});

export const CompanySchema = z.object({ ticker: z.string(), name: z.string(), sector: z.string() });

// Output objects are built field by field: a listed output schema forbids members it does not name
// (additionalProperties: false), so a field the engine adds later must not leak into a result.
export function companyOutput(company: Company): z.infer<typeof CompanySchema> {
  return { ticker: company.ticker, name: company.name, sector: company.sector };
}

export const WindowSchema = z.object({ from: IsoDate, to: IsoDate });

export const DistributionSchema = z.object(
  Object.fromEntries(SENTIMENT_LABELS.map((label) => [label, z.number().int().min(0)])) as Record<
    SentimentLabel,
    z.ZodNumber
  >,
);

/** An article with its sentiment: the evidence behind an aggregate, so a reader can check it. */
export const ScoredArticleSchema = z.object({
  id: z.string(),
  ticker: z.string(),
  publishedAt: z.string(),
  source: z.string(),
  headline: z.string(),
  sentiment: SentimentSchema,
});

export function scoredArticle({ article, sentiment }: ScoredArticle) {
  return {
    id: article.id,
    ticker: article.ticker,
    publishedAt: article.publishedAt,
    source: article.source,
    headline: article.headline,
    sentiment: sentimentOutput(sentiment),
  };
}

export function sentimentOutput(result: SentimentResult) {
  const { score, label, confidence } = result;
  const evidence = result.evidence.map(({ phrase, start, end, weight, rule }) => ({
    phrase,
    start,
    end,
    weight,
    rule,
  }));
  return { score, label, confidence, evidence };
}

/** Where an answer comes from: which data, which engine, as of when. */
export const ProvenanceSchema = z.object({
  dataset: z.string(),
  datasetVersion: z.string(),
  engineVersion: z.string(),
  asOf: z.string().describe("The date the dataset ends; 'today' for every tool is this date"),
});

export function provenance(): z.infer<typeof ProvenanceSchema> {
  return {
    dataset: NEWS_DATASET.name,
    datasetVersion: NEWS_DATASET.version,
    engineVersion: ENGINE_VERSION,
    asOf: NEWS_DATASET.asOf,
  };
}

/** "0.27" or "n/a": how a summary line shows a score that may be absent. */
export function formatScore(score: number | null): string {
  return score === null ? "n/a" : score.toFixed(2);
}
