// Watchlist tools (scopes mcp:data:watchlist:read / :write): the signed-in person's own list, by `sub`.
import { findCompany } from "@repo/sentiment";
import { z } from "zod";
import {
  addToWatchlist,
  listWatchlist,
  MAX_WATCHLIST_ITEMS,
  removeFromWatchlist,
  type WatchlistItem,
} from "../store/watchlists";
import { knownCompany, ProvenanceSchema, provenance, TickerInput } from "./schemas";
import { defineTool, ToolError } from "./tool";

const WatchlistItemSchema = z.object({
  ticker: z.string(),
  name: z.string().nullable().describe("Null if the dataset no longer covers the ticker"),
  sector: z.string().nullable(),
  note: z.string().nullable(),
  addedAt: z.iso.datetime(),
});

function itemOutput(item: WatchlistItem): z.infer<typeof WatchlistItemSchema> {
  const company = findCompany(item.ticker);
  return {
    ticker: item.ticker,
    name: company?.name ?? null,
    sector: company?.sector ?? null,
    note: item.note,
    addedAt: item.addedAt.toISOString(),
  };
}

export const watchlistListTool = defineTool({
  name: "watchlist_list",
  title: "Show my watchlist",
  description: "Lists the tickers on the signed-in person's watchlist, oldest first.",
  inputSchema: z.object({}),
  outputSchema: z.object({
    items: z.array(WatchlistItemSchema),
    capacity: z.number().int(),
    provenance: ProvenanceSchema,
  }),
  annotations: {
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  run: async (_input, { caller, store }) => {
    const items = (await store.run((x) => listWatchlist(x, caller.subject))).map(itemOutput);
    return {
      structuredContent: { items, capacity: MAX_WATCHLIST_ITEMS, provenance: provenance() },
      summary:
        items.length === 0
          ? "The watchlist is empty."
          : `Watchlist: ${items.map((item) => item.ticker).join(", ")}.`,
    };
  },
});

export const watchlistAddTool = defineTool({
  name: "watchlist_add",
  title: "Add to my watchlist",
  description: `Adds a ticker the dataset covers to the signed-in person's watchlist (at most ${MAX_WATCHLIST_ITEMS}); adding one already there changes nothing.`,
  inputSchema: z.object({
    ticker: TickerInput,
    note: z.string().trim().max(200).optional().describe("A short note to keep with the ticker"),
  }),
  outputSchema: z.object({
    status: z.enum(["added", "already_present"]),
    item: WatchlistItemSchema,
    provenance: ProvenanceSchema,
  }),
  annotations: {
    readOnlyHint: false,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  run: async (input, { caller, store, now }) => {
    const { ticker } = knownCompany(input.ticker);
    const result = await addToWatchlist(
      store,
      { subject: caller.subject, ticker, note: input.note || null },
      now,
    );
    if (result.status === "full") {
      throw new ToolError(
        `The watchlist already holds ${MAX_WATCHLIST_ITEMS} tickers; remove one first.`,
      );
    }
    return {
      structuredContent: {
        status: result.status,
        item: itemOutput(result.item),
        provenance: provenance(),
      },
      summary:
        result.status === "added"
          ? `Added ${ticker} to the watchlist.`
          : `${ticker} was already on the watchlist.`,
    };
  },
});

export const watchlistRemoveTool = defineTool({
  name: "watchlist_remove",
  title: "Remove from my watchlist",
  description:
    "Removes a ticker from the signed-in person's watchlist; removing one that is not there changes nothing.",
  inputSchema: z.object({ ticker: TickerInput }),
  outputSchema: z.object({
    status: z.enum(["removed", "not_present"]),
    ticker: z.string(),
  }),
  annotations: {
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: true,
    openWorldHint: false,
  },
  run: async ({ ticker }, { caller, store }) => {
    const removed = await store.run((x) => removeFromWatchlist(x, caller.subject, ticker));
    return {
      structuredContent: {
        status: removed ? ("removed" as const) : ("not_present" as const),
        ticker,
      },
      summary: removed
        ? `Removed ${ticker} from the watchlist.`
        : `${ticker} was not on the watchlist.`,
    };
  },
});
