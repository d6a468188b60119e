// A person's watchlist: rows keyed by the token's `sub`, so no query can reach another person's list.
import { preparedPerHandle } from "@repo/server-kit/store";
import { and, asc, count, eq, sql } from "drizzle-orm";
import type { Executor, McpStore } from "../db/database";
import { lockSubject } from "./subject-lock";

export type WatchlistItem = { ticker: string; note: string | null; addedAt: Date };

/** Enough for any real watchlist; bounds what one token can make this server store. */
export const MAX_WATCHLIST_ITEMS = 50;

const selectWatchlist = preparedPerHandle(({ db, tables: { watchlistItems } }: Executor) =>
  db
    .select({
      ticker: watchlistItems.ticker,
      note: watchlistItems.note,
      addedAt: watchlistItems.addedAt,
    })
    .from(watchlistItems)
    .where(eq(watchlistItems.subject, sql.placeholder("subject")))
    .orderBy(asc(watchlistItems.addedAt), asc(watchlistItems.ticker))
    .prepare("mcp_select_watchlist"),
);

export function listWatchlist(x: Executor, subject: string): Promise<WatchlistItem[]> {
  return selectWatchlist(x).execute({ subject });
}

export type AddToWatchlistResult =
  | { status: "added" | "already_present"; item: WatchlistItem }
  | { status: "full" };

/**
 * Adds a ticker unless present. The size check and the insert run in one transaction that holds the
 * person's lock (see subject-lock.ts), so parallel additions, from one replica or several, cannot
 * both see room for the last ticker.
 */
export function addToWatchlist(
  store: McpStore,
  entry: { subject: string; ticker: string; note: string | null },
  now: Date,
): Promise<AddToWatchlistResult> {
  return store.transaction(async (x) => {
    const { db, tables } = x;
    const { watchlistItems } = tables;
    await lockSubject(x, "watchlist", entry.subject);
    const [existing] = await db
      .select({
        ticker: watchlistItems.ticker,
        note: watchlistItems.note,
        addedAt: watchlistItems.addedAt,
      })
      .from(watchlistItems)
      .where(
        and(eq(watchlistItems.subject, entry.subject), eq(watchlistItems.ticker, entry.ticker)),
      );
    if (existing !== undefined) return { status: "already_present", item: existing };
    const [size] = await db
      .select({ items: count() })
      .from(watchlistItems)
      .where(eq(watchlistItems.subject, entry.subject));
    if ((size?.items ?? 0) >= MAX_WATCHLIST_ITEMS) return { status: "full" };
    const item = { ticker: entry.ticker, note: entry.note, addedAt: now };
    await db.insert(watchlistItems).values({ subject: entry.subject, ...item });
    return { status: "added", item };
  });
}

/** Removes a ticker; true if it was on the list. */
export async function removeFromWatchlist(
  { db, tables: { watchlistItems } }: Executor,
  subject: string,
  ticker: string,
): Promise<boolean> {
  const removed = await db
    .delete(watchlistItems)
    .where(and(eq(watchlistItems.subject, subject), eq(watchlistItems.ticker, ticker)))
    .returning({ ticker: watchlistItems.ticker });
  return removed.length > 0;
}
