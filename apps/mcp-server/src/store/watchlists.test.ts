import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type OpenedDatabase, openDatabase } from "../db/database";
import { MAX_AUTOMATION_JOBS, scheduleDigestJob } from "./automation-jobs";
import {
  addToWatchlist,
  listWatchlist,
  MAX_WATCHLIST_ITEMS,
  removeFromWatchlist,
} from "./watchlists";

const NOW = new Date("2030-01-01T00:00:00Z");
let database: OpenedDatabase;

beforeEach(() => {
  database = openDatabase(":memory:");
});
afterEach(() => database.close());

describe("watchlists", () => {
  it(`stop growing at ${MAX_WATCHLIST_ITEMS} tickers per person, and only for that person`, () => {
    const { db } = database;
    for (let index = 0; index < MAX_WATCHLIST_ITEMS; index++) {
      const result = addToWatchlist(db, { subject: "a", ticker: `T${index}`, note: null }, NOW);
      expect(result.status).toBe("added");
    }
    expect(addToWatchlist(db, { subject: "a", ticker: "ONE-MORE", note: null }, NOW)).toEqual({
      status: "full",
    });
    // Re-adding a ticker already there is not growth.
    expect(addToWatchlist(db, { subject: "a", ticker: "T0", note: null }, NOW).status).toBe(
      "already_present",
    );
    expect(addToWatchlist(db, { subject: "b", ticker: "T0", note: null }, NOW).status).toBe(
      "added",
    );
    expect(listWatchlist(db, "a")).toHaveLength(MAX_WATCHLIST_ITEMS);
  });

  it("remove only the named person's row", () => {
    const { db } = database;
    addToWatchlist(db, { subject: "a", ticker: "X", note: null }, NOW);
    addToWatchlist(db, { subject: "b", ticker: "X", note: null }, NOW);
    expect(removeFromWatchlist(db, "a", "X")).toBe(true);
    expect(removeFromWatchlist(db, "a", "X")).toBe(false);
    expect(listWatchlist(db, "b").map((item) => item.ticker)).toEqual(["X"]);
  });
});

describe("automation jobs", () => {
  it(`stop at ${MAX_AUTOMATION_JOBS} per person`, () => {
    const { db } = database;
    const job = {
      subject: "a",
      clientId: "c",
      cadence: "daily" as const,
      hourUtc: 7,
      tickers: ["X"],
    };
    for (let index = 0; index < MAX_AUTOMATION_JOBS; index++) {
      expect(scheduleDigestJob(db, job, NOW).status).toBe("scheduled");
    }
    expect(scheduleDigestJob(db, job, NOW).status).toBe("full");
    expect(scheduleDigestJob(db, { ...job, subject: "b" }, NOW).status).toBe("scheduled");
  });
});
