// Tests for the embedded news dataset: it regenerates exactly, stays fictional and well formed,
// and the lookups (findCompany, listNews) filter and order as documented.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generateNewsDataset, NEWS_JSON_PATH, serializeDataset } from "../scripts/generate-news";
import { findCompany, listNews, NEWS_DATASET } from "./dataset";

// Tickers of large, widely known listed companies: a fictional ticker must never collide with one.
const WELL_KNOWN_TICKERS = new Set(
  (
    "AAPL MSFT AMZN GOOG GOOGL META TSLA NVDA BRK JPM JNJ V MA PG XOM CVX KO PEP WMT HD BAC PFE " +
    "MRK ABBV T VZ DIS NFLX INTC AMD CSCO ORCL IBM CRM ADBE NKE MCD SBUX BA CAT GE MMM HON UPS " +
    "FDX GS MS C WFC AXP BLK SPGI UNH CVS LLY BMY AMGN GILD TMO DHR MDT ABT COST TGT LOW F GM " +
    "SHEL BP TTE RIO BHP VALE NEE DUK SO D AEP EXC ALL PGR TRV CB AIG MET PRU ADM BG DE CTVA MOS " +
    "NTR FMC DRVN SNOW UBER LYFT ABNB SHOP SQ PYPL COIN PLTR ARM ASML TSM SAP SONY TM HMC"
  ).split(" "),
);

describe("NEWS_DATASET", () => {
  it("equals what the generator produces, byte for byte", () => {
    expect(serializeDataset(generateNewsDataset())).toBe(readFileSync(NEWS_JSON_PATH, "utf8"));
    expect(generateNewsDataset()).toEqual(NEWS_DATASET);
  });

  it("stays small enough to embed", () => {
    expect(readFileSync(NEWS_JSON_PATH).byteLength).toBeLessThan(1_500_000);
  });

  it("has about twenty fictional companies, none on a well-known real ticker", () => {
    expect(NEWS_DATASET.companies.length).toBeGreaterThanOrEqual(18);
    for (const company of NEWS_DATASET.companies) {
      expect(WELL_KNOWN_TICKERS.has(company.ticker)).toBe(false);
      expect(company.ticker).toMatch(/^[A-Z]{4}$/);
    }
    const sectors = new Set(NEWS_DATASET.companies.map((company) => company.sector));
    for (const sector of ["energy", "utilities", "insurance", "agriculture"]) {
      expect(sectors.has(sector)).toBe(true);
    }
  });

  it("covers about ninety days, with every article inside the range and well formed", () => {
    const days = (Date.parse(NEWS_DATASET.asOf) - Date.parse(NEWS_DATASET.from)) / 86_400_000 + 1;
    expect(days).toBe(90);
    const tickers = new Set(NEWS_DATASET.companies.map((company) => company.ticker));
    const ids = new Set<string>();
    for (const article of NEWS_DATASET.articles) {
      expect(article.publishedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      const day = article.publishedAt.slice(0, 10);
      expect(day >= NEWS_DATASET.from && day <= NEWS_DATASET.asOf).toBe(true);
      expect(tickers.has(article.ticker)).toBe(true);
      expect(article.topics.length).toBeGreaterThan(0);
      expect(article.headline).not.toMatch(/[{}]/);
      expect(article.summary).not.toMatch(/[{}]/);
      ids.add(article.id);
    }
    expect(ids.size).toBe(NEWS_DATASET.articles.length);
  });

  it("carries climate-risk stories for the climate-exposed sectors", () => {
    const climate = listNews({ topic: "climate-risk" });
    expect(climate.length).toBeGreaterThan(50);
    const sectors = new Set(climate.map((article) => findCompany(article.ticker)?.sector));
    for (const sector of ["energy", "utilities", "insurance", "agriculture"]) {
      expect(sectors.has(sector)).toBe(true);
    }
  });
});

describe("findCompany", () => {
  it("finds a ticker whatever its case", () => {
    expect(findCompany("qtxa")?.name).toBe("Quartexa Semiconductor Corp.");
    expect(findCompany(" QtXa ")?.ticker).toBe("QTXA");
  });

  it("returns undefined for an unknown ticker", () => {
    expect(findCompany("AAPL")).toBeUndefined();
    expect(findCompany("")).toBeUndefined();
  });
});

describe("listNews", () => {
  it("returns everything newest first by default", () => {
    const all = listNews();
    expect(all).toHaveLength(NEWS_DATASET.articles.length);
    for (let index = 1; index < all.length; index++) {
      expect((all[index - 1]?.publishedAt ?? "") >= (all[index]?.publishedAt ?? "")).toBe(true);
    }
  });

  it("filters by ticker (any case), topic and inclusive dates, then limits", () => {
    const day = "2025-05-20";
    const sameDay = listNews({ from: day, to: day });
    expect(sameDay.length).toBeGreaterThan(0);
    expect(sameDay.every((article) => article.publishedAt.startsWith(day))).toBe(true);
    const first = listNews({ ticker: "snmr", topic: "earnings", limit: 3 });
    expect(first.length).toBeLessThanOrEqual(3);
    expect(first.every((article) => article.ticker === "SNMR")).toBe(true);
    expect(first.every((article) => article.topics.includes("earnings"))).toBe(true);
  });

  it("includes articles on both edge days of the range", () => {
    const oldest = listNews().at(-1);
    const newest = listNews()[0];
    expect(listNews({ from: NEWS_DATASET.from, to: NEWS_DATASET.from })).toContainEqual(oldest);
    expect(listNews({ from: NEWS_DATASET.asOf, to: NEWS_DATASET.asOf })).toContainEqual(newest);
  });

  it("returns nothing for an unknown ticker, a reversed range or a zero limit", () => {
    expect(listNews({ ticker: "NOPE" })).toEqual([]);
    expect(listNews({ from: "2025-06-10", to: "2025-06-01" })).toEqual([]);
    expect(listNews({ limit: 0 })).toEqual([]);
  });

  it("rejects a malformed date rather than guessing", () => {
    expect(() => listNews({ from: "2025-02-30" })).toThrow(RangeError);
    expect(() => listNews({ to: "yesterday" })).toThrow(RangeError);
  });
});
