import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type McpStore, openMcpStore } from "../db/database";
import { MAX_AUTOMATION_JOBS, scheduleDigestJob } from "./automation-jobs";
import {
  addToWatchlist,
  listWatchlist,
  MAX_WATCHLIST_ITEMS,
  removeFromWatchlist,
} from "./watchlists";

const NOW = new Date("2030-01-01T00:00:00Z");
let store: McpStore;

beforeEach(async () => {
  store = await openMcpStore({ url: ":memory:" });
});
afterEach(() => store.close());

describe("watchlists", () => {
  it(`stop growing at ${MAX_WATCHLIST_ITEMS} tickers per person, and only for that person`, async () => {
    for (let index = 0; index < MAX_WATCHLIST_ITEMS; index++) {
      const result = await addToWatchlist(
        store,
        { subject: "a", ticker: `T${index}`, note: null },
        NOW,
      );
      expect(result.status).toBe("added");
    }
    expect(
      await addToWatchlist(store, { subject: "a", ticker: "ONE-MORE", note: null }, NOW),
    ).toEqual({
      status: "full",
    });
    // Re-adding a ticker already there is not growth.
    expect(
      (await addToWatchlist(store, { subject: "a", ticker: "T0", note: null }, NOW)).status,
    ).toBe("already_present");
    expect(
      (await addToWatchlist(store, { subject: "b", ticker: "T0", note: null }, NOW)).status,
    ).toBe("added");
    expect(await store.run((x) => listWatchlist(x, "a"))).toHaveLength(MAX_WATCHLIST_ITEMS);
  });

  it("remove only the named person's row", async () => {
    await addToWatchlist(store, { subject: "a", ticker: "X", note: null }, NOW);
    await addToWatchlist(store, { subject: "b", ticker: "X", note: null }, NOW);
    expect(await store.run((x) => removeFromWatchlist(x, "a", "X"))).toBe(true);
    expect(await store.run((x) => removeFromWatchlist(x, "a", "X"))).toBe(false);
    expect((await store.run((x) => listWatchlist(x, "b"))).map((item) => item.ticker)).toEqual([
      "X",
    ]);
  });
});

describe("automation jobs", () => {
  it(`stop at ${MAX_AUTOMATION_JOBS} per person`, async () => {
    const job = {
      subject: "a",
      clientId: "c",
      cadence: "daily" as const,
      hourUtc: 7,
      tickers: ["X"],
    };
    for (let index = 0; index < MAX_AUTOMATION_JOBS; index++) {
      expect((await scheduleDigestJob(store, job, NOW)).status).toBe("scheduled");
    }
    expect((await scheduleDigestJob(store, job, NOW)).status).toBe("full");
    expect((await scheduleDigestJob(store, { ...job, subject: "b" }, NOW)).status).toBe(
      "scheduled",
    );
  });
});
