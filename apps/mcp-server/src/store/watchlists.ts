// A person's watchlist: rows keyed by the token's `sub`, so no query can reach another person's list.
import { preparedPerExecutor } from "@repo/server-kit/sqlite";
import { and, asc, count, eq, sql } from "drizzle-orm";
import type { Executor } from "../db/database";
import { watchlistItems } from "../db/schema";

export type WatchlistItem = Omit<typeof watchlistItems.$inferSelect, "subject">;

/** Enough for any real watchlist; bounds what one token can make this server store. */
export const MAX_WATCHLIST_ITEMS = 50;

const selectWatchlist = preparedPerExecutor((executor: Executor) =>
  executor
    .select({
      ticker: watchlistItems.ticker,
      note: watchlistItems.note,
      addedAt: watchlistItems.addedAt,
    })
    .from(watchlistItems)
    .where(eq(watchlistItems.subject, sql.placeholder("subject")))
    .orderBy(asc(watchlistItems.addedAt), asc(watchlistItems.ticker))
    .prepare(),
);

export function listWatchlist(executor: Executor, subject: string): WatchlistItem[] {
  return selectWatchlist(executor).all({ subject });
}

export type AddToWatchlistResult =
  | { status: "added" | "already_present"; item: WatchlistItem }
  | { status: "full" };

/** Adds a ticker unless present; one transaction, so the size check and the insert cannot interleave. */
export function addToWatchlist(
  executor: Executor,
  entry: { subject: string; ticker: string; note: string | null },
  now: Date,
): AddToWatchlistResult {
  return executor.transaction((tx) => {
    const existing = tx
      .select({
        ticker: watchlistItems.ticker,
        note: watchlistItems.note,
        addedAt: watchlistItems.addedAt,
      })
      .from(watchlistItems)
      .where(
        and(eq(watchlistItems.subject, entry.subject), eq(watchlistItems.ticker, entry.ticker)),
      )
      .get();
    if (existing !== undefined) return { status: "already_present", item: existing };
    const [size] = tx
      .select({ items: count() })
      .from(watchlistItems)
      .where(eq(watchlistItems.subject, entry.subject))
      .all();
    if ((size?.items ?? 0) >= MAX_WATCHLIST_ITEMS) return { status: "full" };
    const item = { ticker: entry.ticker, note: entry.note, addedAt: now };
    tx.insert(watchlistItems)
      .values({ subject: entry.subject, ...item })
      .run();
    return { status: "added", item };
  });
}

/** Removes a ticker; true if it was on the list. */
export function removeFromWatchlist(executor: Executor, subject: string, ticker: string): boolean {
  const result = executor
    .delete(watchlistItems)
    .where(and(eq(watchlistItems.subject, subject), eq(watchlistItems.ticker, ticker)))
    .run();
  return result.changes > 0;
}
