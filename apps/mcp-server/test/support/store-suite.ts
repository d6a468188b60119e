// The store functions' tests, run on each engine: `:memory:` SQLite in test/store.test.ts, a fresh
// PostgreSQL database in test/postgres/store.test.ts.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { McpStore } from "../../src/db/database";
import {
  listAutomationJobs,
  MAX_AUTOMATION_JOBS,
  scheduleDigestJob,
} from "../../src/store/automation-jobs";
import { listToolCalls, queryToolCalls, recordToolCall } from "../../src/store/tool-calls";
import {
  addToWatchlist,
  listWatchlist,
  MAX_WATCHLIST_ITEMS,
  removeFromWatchlist,
} from "../../src/store/watchlists";

const NOW = new Date("2030-01-01T00:00:00.123Z");

export interface StoreUnderTest {
  store: McpStore;
  close(): Promise<void>;
}

export function describeStore(engine: string, open: () => Promise<StoreUnderTest>): void {
  describe(`the store on ${engine}`, () => {
    let opened: StoreUnderTest;
    let store: McpStore;

    beforeEach(async () => {
      opened = await open();
      store = opened.store;
    });
    afterEach(() => opened.close());

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
        ).toEqual({ status: "full" });
        // Re-adding a ticker already there is not growth.
        const again = await addToWatchlist(store, { subject: "a", ticker: "T0", note: null }, NOW);
        expect(again.status).toBe("already_present");
        const other = await addToWatchlist(store, { subject: "b", ticker: "T0", note: null }, NOW);
        expect(other.status).toBe("added");
        expect(await store.run((x) => listWatchlist(x, "a"))).toHaveLength(MAX_WATCHLIST_ITEMS);
      });

      it(`hold at ${MAX_WATCHLIST_ITEMS} when additions for one person run in parallel`, async () => {
        const results = await Promise.all(
          Array.from({ length: MAX_WATCHLIST_ITEMS + 20 }, (_, index) =>
            addToWatchlist(store, { subject: "p", ticker: `P${index}`, note: null }, NOW),
          ),
        );
        expect(results.filter((result) => result.status === "added")).toHaveLength(
          MAX_WATCHLIST_ITEMS,
        );
        expect(await store.run((x) => listWatchlist(x, "p"))).toHaveLength(MAX_WATCHLIST_ITEMS);
      });

      it("keep the note and the time added, to the millisecond", async () => {
        await addToWatchlist(store, { subject: "a", ticker: "X", note: "watch" }, NOW);
        expect(await store.run((x) => listWatchlist(x, "a"))).toEqual([
          { ticker: "X", note: "watch", addedAt: NOW },
        ]);
      });

      it("remove only the named person's row", async () => {
        await addToWatchlist(store, { subject: "a", ticker: "X", note: null }, NOW);
        await addToWatchlist(store, { subject: "b", ticker: "X", note: null }, NOW);
        expect(await store.run((x) => removeFromWatchlist(x, "a", "X"))).toBe(true);
        expect(await store.run((x) => removeFromWatchlist(x, "a", "X"))).toBe(false);
        const left = await store.run((x) => listWatchlist(x, "b"));
        expect(left.map((item) => item.ticker)).toEqual(["X"]);
      });
    });

    describe("automation jobs", () => {
      const job = {
        subject: "a",
        clientId: "c",
        cadence: "daily" as const,
        hourUtc: 7,
        tickers: ["X", "Y"],
      };

      it(`stop at ${MAX_AUTOMATION_JOBS} per person`, async () => {
        for (let index = 0; index < MAX_AUTOMATION_JOBS; index++) {
          expect((await scheduleDigestJob(store, job, NOW)).status).toBe("scheduled");
        }
        expect((await scheduleDigestJob(store, job, NOW)).status).toBe("full");
        const other = await scheduleDigestJob(store, { ...job, subject: "b" }, NOW);
        expect(other.status).toBe("scheduled");
      });

      it(`hold at ${MAX_AUTOMATION_JOBS} when scheduled in parallel`, async () => {
        const results = await Promise.all(
          Array.from({ length: MAX_AUTOMATION_JOBS + 10 }, () =>
            scheduleDigestJob(store, job, NOW),
          ),
        );
        expect(results.filter((result) => result.status === "scheduled")).toHaveLength(
          MAX_AUTOMATION_JOBS,
        );
      });

      it("read back with their tickers as stored", async () => {
        await scheduleDigestJob(store, job, NOW);
        const [stored] = await store.run((x) => listAutomationJobs(x, "a"));
        expect(stored).toMatchObject({ ...job, kind: "digest", createdAt: NOW });
      });
    });

    describe("the tool-call audit", () => {
      const entry = {
        occurredAt: NOW,
        subject: "a",
        clientId: "c",
        tool: "whoami",
        scopes: "mcp:identity:read",
        outcome: "success" as const,
        durationMs: 1.6,
        error: null,
      };

      it("records a row as given, its duration rounded, and a request id when there is one", async () => {
        await store.run((x) => recordToolCall(x, { ...entry, requestId: "req-1" }));
        const [row] = await store.run((x) => listToolCalls(x, 1));
        expect(row).toMatchObject({ ...entry, durationMs: 2, requestId: "req-1" });
        expect(typeof row?.id).toBe("number");
      });

      it("pages newest first by (occurredAt, id) and filters by person", async () => {
        for (let index = 0; index < 5; index++) {
          await store.run((x) =>
            recordToolCall(x, {
              ...entry,
              occurredAt: new Date(NOW.getTime() + index),
              subject: index % 2 === 0 ? "a" : "b",
            }),
          );
        }
        const first = await store.run((x) => queryToolCalls(x, { subject: "a", limit: 2 }));
        expect(first.map((row) => row.occurredAt.getTime() - NOW.getTime())).toEqual([4, 2]);
        const last = first.at(-1);
        const rest = await store.run((x) =>
          queryToolCalls(x, {
            subject: "a",
            after: last && { occurredAt: last.occurredAt, id: last.id },
            limit: 10,
          }),
        );
        expect(rest.map((row) => row.occurredAt.getTime() - NOW.getTime())).toEqual([0]);
      });
    });
  });
}
