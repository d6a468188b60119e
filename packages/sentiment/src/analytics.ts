// Sentiment analytics over the embedded news dataset: per-ticker summaries, daily history and the
// climate-risk view. Windows are ISO dates, both ends inclusive, and never read the wall clock.

import {
  assertIsoDate,
  type Company,
  findCompany,
  listNews,
  NEWS_DATASET,
  type NewsArticle,
} from "./dataset";
import { analyzeSentiment, type SentimentResult } from "./engine";
import { labelForScore, SENTIMENT_LABELS, type SentimentLabel } from "./labels";

export interface DateWindow {
  /** ISO date, inclusive. */
  from: string;
  /** ISO date, inclusive. */
  to: string;
}

export interface ScoredArticle {
  article: NewsArticle;
  sentiment: SentimentResult;
}

export interface TickerSentiment {
  ticker: string;
  company: Company;
  window: DateWindow;
  articleCount: number;
  /** Mean article score, or null when the window holds no article (never an invented 0). */
  averageScore: number | null;
  label: SentimentLabel | null;
  distribution: Record<SentimentLabel, number>;
  /** Strongest |score| first, at most five. */
  topArticles: ScoredArticle[];
}

export interface DailySentiment {
  date: string;
  articleCount: number;
  averageScore: number | null;
  label: SentimentLabel | null;
}

export interface ClimateRiskSentiment {
  window: DateWindow;
  ticker: string | null;
  articleCount: number;
  averageScore: number | null;
  label: SentimentLabel | null;
  byTicker: { ticker: string; articleCount: number; averageScore: number | null }[];
  topArticles: ScoredArticle[];
}

const DAY_MS = 86_400_000;
const TOP_ARTICLES = 5;
// Ten years of days: far beyond the dataset, small enough that a typo cannot allocate millions.
const MAX_HISTORY_DAYS = 3660;
const CLIMATE_TOPIC = "climate-risk";

const articleSentiment = new Map<string, SentimentResult>();

/** The engine's reading of one article (headline and summary), computed once per article id. */
export function scoreArticle(article: NewsArticle): ScoredArticle {
  let sentiment = articleSentiment.get(article.id);
  if (!sentiment) {
    sentiment = analyzeSentiment(`${article.headline}. ${article.summary}`);
    articleSentiment.set(article.id, sentiment);
  }
  return { article, sentiment };
}

function checkWindow(window: DateWindow): DateWindow {
  assertIsoDate(window.from, "window.from");
  assertIsoDate(window.to, "window.to");
  return { from: window.from, to: window.to };
}

function average(scored: ScoredArticle[]): number | null {
  if (scored.length === 0) return null;
  const total = scored.reduce((sum, item) => sum + item.sentiment.score, 0);
  return Math.round((total / scored.length) * 10_000) / 10_000;
}

function strongestFirst(scored: ScoredArticle[]): ScoredArticle[] {
  return [...scored]
    .sort(
      (a, b) =>
        Math.abs(b.sentiment.score) - Math.abs(a.sentiment.score) ||
        b.article.publishedAt.localeCompare(a.article.publishedAt) ||
        a.article.id.localeCompare(b.article.id),
    )
    .slice(0, TOP_ARTICLES);
}

function emptyDistribution(): Record<SentimentLabel, number> {
  return Object.fromEntries(SENTIMENT_LABELS.map((label) => [label, 0])) as Record<
    SentimentLabel,
    number
  >;
}

export function tickerSentiment(ticker: string, window: DateWindow): TickerSentiment | undefined {
  const company = findCompany(ticker);
  if (!company) return undefined;
  const checked = checkWindow(window);
  const scored = listNews({ ticker: company.ticker, from: checked.from, to: checked.to }).map(
    scoreArticle,
  );
  const distribution = emptyDistribution();
  for (const item of scored) distribution[item.sentiment.label]++;
  const averageScore = average(scored);
  return {
    ticker: company.ticker,
    company,
    window: checked,
    articleCount: scored.length,
    averageScore,
    label: averageScore === null ? null : labelForScore(averageScore),
    distribution,
    topArticles: strongestFirst(scored),
  };
}

function isoDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

export function sentimentHistory(ticker: string, window: DateWindow): DailySentiment[] | undefined {
  const company = findCompany(ticker);
  if (!company) return undefined;
  const checked = checkWindow(window);
  const first = Date.parse(`${checked.from}T00:00:00Z`);
  const last = Date.parse(`${checked.to}T00:00:00Z`);
  const days = Math.floor((last - first) / DAY_MS) + 1;
  if (days > MAX_HISTORY_DAYS) {
    throw new RangeError(`a history window may span at most ${MAX_HISTORY_DAYS} days`);
  }
  const byDay = new Map<string, ScoredArticle[]>();
  for (const article of listNews({ ticker: company.ticker, from: checked.from, to: checked.to })) {
    const day = article.publishedAt.slice(0, 10);
    byDay.set(day, [...(byDay.get(day) ?? []), scoreArticle(article)]);
  }
  const history: DailySentiment[] = [];
  for (let index = 0; index < days; index++) {
    const date = isoDay(first + index * DAY_MS);
    const scored = byDay.get(date) ?? [];
    const averageScore = average(scored);
    history.push({
      date,
      articleCount: scored.length,
      averageScore,
      label: averageScore === null ? null : labelForScore(averageScore),
    });
  }
  return history;
}

/**
 * Sentiment of the articles tagged "climate-risk" in the window, for one ticker or all of them.
 * `byTicker` lists every ticker with at least one such article, most negative first, because the
 * question this answers is "who is most exposed".
 */
export function climateRiskSentiment(window: DateWindow, ticker?: string): ClimateRiskSentiment {
  const checked = checkWindow(window);
  const company = ticker === undefined ? undefined : findCompany(ticker);
  const tickerFilter =
    ticker === undefined ? null : (company?.ticker ?? ticker.trim().toUpperCase());
  const scored =
    tickerFilter !== null && !company
      ? []
      : listNews({
          topic: CLIMATE_TOPIC,
          from: checked.from,
          to: checked.to,
          ...(tickerFilter === null ? {} : { ticker: tickerFilter }),
        }).map(scoreArticle);
  const groups = new Map<string, ScoredArticle[]>();
  for (const item of scored) {
    groups.set(item.article.ticker, [...(groups.get(item.article.ticker) ?? []), item]);
  }
  const byTicker = [...groups.entries()]
    .map(([groupTicker, items]) => ({
      ticker: groupTicker,
      articleCount: items.length,
      averageScore: average(items),
    }))
    .sort(
      (a, b) => (a.averageScore ?? 0) - (b.averageScore ?? 0) || a.ticker.localeCompare(b.ticker),
    );
  const averageScore = average(scored);
  return {
    window: checked,
    ticker: tickerFilter,
    articleCount: scored.length,
    averageScore,
    label: averageScore === null ? null : labelForScore(averageScore),
    byTicker,
    topArticles: strongestFirst(scored),
  };
}

/** The last `days` days ending at the dataset's as-of date, so answers never drift with the clock. */
export function defaultWindow(days: number): DateWindow {
  const span = Number.isFinite(days) ? Math.max(1, Math.floor(days)) : 1;
  const to = NEWS_DATASET.asOf;
  const from = isoDay(Date.parse(`${to}T00:00:00Z`) - (span - 1) * DAY_MS);
  return { from, to };
}
