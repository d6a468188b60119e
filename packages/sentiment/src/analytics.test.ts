// Tests for the analytics over the dataset: window edges are inclusive, empty windows give null
// (never an invented 0), unknown tickers give undefined, and the windows ignore the wall clock.

import { describe, expect, it, vi } from "vitest";
import {
  climateRiskSentiment,
  defaultWindow,
  scoreArticle,
  sentimentHistory,
  tickerSentiment,
} from "./analytics";
import { listNews, NEWS_DATASET } from "./dataset";
import { analyzeSentiment } from "./engine";
import { SENTIMENT_LABELS } from "./labels";

const WHOLE = { from: NEWS_DATASET.from, to: NEWS_DATASET.asOf };
const BEFORE_DATA = { from: "2024-01-01", to: "2024-01-31" };

describe("defaultWindow", () => {
  it("ends at the dataset's as-of date and counts both ends", () => {
    expect(defaultWindow(1)).toEqual({ from: NEWS_DATASET.asOf, to: NEWS_DATASET.asOf });
    expect(defaultWindow(7)).toEqual({ from: "2025-06-24", to: "2025-06-30" });
    expect(defaultWindow(90)).toEqual(WHOLE);
  });

  it("never reads the wall clock", () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2031-01-01T00:00:00Z"));
    try {
      expect(defaultWindow(30).to).toBe(NEWS_DATASET.asOf);
    } finally {
      vi.useRealTimers();
    }
  });

  it("treats nonsense lengths as one day", () => {
    expect(defaultWindow(0)).toEqual(defaultWindow(1));
    expect(defaultWindow(Number.NaN)).toEqual(defaultWindow(1));
  });
});

describe("scoreArticle", () => {
  it("scores headline and summary together and memoises per article", () => {
    const article = NEWS_DATASET.articles[0];
    if (!article) throw new Error("empty dataset");
    const first = scoreArticle(article);
    expect(first.sentiment).toEqual(analyzeSentiment(`${article.headline}. ${article.summary}`));
    expect(scoreArticle(article).sentiment).toBe(first.sentiment);
  });
});

describe("tickerSentiment", () => {
  it("returns undefined for an unknown ticker", () => {
    expect(tickerSentiment("ZZZZ", WHOLE)).toBeUndefined();
  });

  it("summarises a ticker's articles in the window", () => {
    const summary = tickerSentiment("qtxa", WHOLE);
    expect(summary?.ticker).toBe("QTXA");
    expect(summary?.company.name).toBe("Quartexa Semiconductor Corp.");
    expect(summary?.articleCount).toBe(listNews({ ticker: "QTXA" }).length);
    const total = SENTIMENT_LABELS.reduce(
      (sum, label) => sum + (summary?.distribution[label] ?? 0),
      0,
    );
    expect(total).toBe(summary?.articleCount);
    expect(summary?.topArticles.length).toBe(5);
    const strengths = summary?.topArticles.map((item) => Math.abs(item.sentiment.score)) ?? [];
    expect(strengths).toEqual([...strengths].sort((a, b) => b - a));
  });

  it("gives null, not zero, for a window with no articles", () => {
    const summary = tickerSentiment("QTXA", BEFORE_DATA);
    expect(summary).toMatchObject({
      articleCount: 0,
      averageScore: null,
      label: null,
      topArticles: [],
    });
    expect(Object.values(summary?.distribution ?? {})).toEqual([0, 0, 0, 0, 0]);
  });

  it("includes articles published on both edge days", () => {
    const newest = listNews({ ticker: "HLVR" })[0];
    if (!newest) throw new Error("no HLVR news");
    const day = newest.publishedAt.slice(0, 10);
    expect(tickerSentiment("HLVR", { from: day, to: day })?.articleCount).toBeGreaterThan(0);
  });

  it("tells the intended stories: bullish names score above bearish ones", () => {
    const average = (ticker: string) => tickerSentiment(ticker, WHOLE)?.averageScore ?? 0;
    for (const bullish of ["QTXA", "SNMR", "HMZL"]) expect(average(bullish)).toBeGreaterThan(0.15);
    for (const bearish of ["ZNDH", "DFTV", "HLVR"]) expect(average(bearish)).toBeLessThan(-0.15);
    const turnaround = (ticker: string) => [
      tickerSentiment(ticker, { from: NEWS_DATASET.from, to: "2025-05-15" })?.averageScore ?? 0,
      tickerSentiment(ticker, { from: "2025-05-16", to: NEWS_DATASET.asOf })?.averageScore ?? 0,
    ];
    const [before, after] = turnaround("LMQR");
    expect(after).toBeGreaterThan(before ?? 0);
  });

  it("rejects malformed window dates", () => {
    expect(() => tickerSentiment("QTXA", { from: "2025-13-01", to: "2025-06-30" })).toThrow(
      RangeError,
    );
  });
});

describe("sentimentHistory", () => {
  it("returns undefined for an unknown ticker", () => {
    expect(sentimentHistory("ZZZZ", WHOLE)).toBeUndefined();
  });

  it("has one entry per day, both ends included, with null on days without news", () => {
    const history = sentimentHistory("SNMR", WHOLE) ?? [];
    expect(history).toHaveLength(90);
    expect(history[0]?.date).toBe(NEWS_DATASET.from);
    expect(history.at(-1)?.date).toBe(NEWS_DATASET.asOf);
    for (const day of history) {
      if (day.articleCount === 0) expect(day).toMatchObject({ averageScore: null, label: null });
      else expect(day.averageScore).not.toBeNull();
    }
    const counted = history.reduce((sum, day) => sum + day.articleCount, 0);
    expect(counted).toBe(listNews({ ticker: "SNMR" }).length);
  });

  it("returns an empty list for a reversed window and rejects an absurdly long one", () => {
    expect(sentimentHistory("SNMR", { from: "2025-06-10", to: "2025-06-01" })).toEqual([]);
    expect(() => sentimentHistory("SNMR", { from: "1900-01-01", to: "2025-01-01" })).toThrow(
      RangeError,
    );
  });
});

describe("climateRiskSentiment", () => {
  it("covers only climate-risk articles, grouped by ticker, most negative first", () => {
    const climate = climateRiskSentiment(WHOLE);
    expect(climate.ticker).toBeNull();
    expect(climate.articleCount).toBe(listNews({ topic: "climate-risk" }).length);
    expect(climate.topArticles.every((item) => item.article.topics.includes("climate-risk"))).toBe(
      true,
    );
    const averages = climate.byTicker.map((row) => row.averageScore ?? 0);
    expect(averages).toEqual([...averages].sort((a, b) => a - b));
    expect(climate.byTicker.reduce((sum, row) => sum + row.articleCount, 0)).toBe(
      climate.articleCount,
    );
  });

  it("narrows to one ticker, in any case", () => {
    const one = climateRiskSentiment(WHOLE, "zndh");
    expect(one.ticker).toBe("ZNDH");
    expect(one.byTicker.map((row) => row.ticker)).toEqual(["ZNDH"]);
    expect(one.averageScore).toBeLessThan(0);
  });

  it("gives null, not zero, for an empty window or an unknown ticker", () => {
    expect(climateRiskSentiment(BEFORE_DATA)).toMatchObject({
      articleCount: 0,
      averageScore: null,
      label: null,
      byTicker: [],
      topArticles: [],
    });
    expect(climateRiskSentiment(WHOLE, "ZZZZ")).toMatchObject({
      ticker: "ZZZZ",
      articleCount: 0,
      averageScore: null,
    });
  });
});
