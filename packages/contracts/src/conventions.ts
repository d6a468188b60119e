// What every route of the internal API shares (docs/internal-api.md "Conventions"): error bodies,
// bounded pages, times and query strings.
import { z } from "zod";

/** Every refusal: `{ error, error_description }` with a 4xx, like the OAuth endpoints (RFC 6749 §5.2). */
export const ErrorBody = z.object({ error: z.string(), error_description: z.string().optional() });
export type ErrorBody = z.infer<typeof ErrorBody>;

/** ISO 8601 in UTC, or null: the one way times leave the API. */
export const Time = z.string().nullable();

export const MAX_PAGE_SIZE = 100;

/** A bounded list: `limit` rows from `offset`. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export function pageOf<Item extends z.ZodType>(item: Item) {
  return z.object({
    items: z.array(item),
    total: z.number().int().nonnegative(),
    limit: z.number().int(),
    offset: z.number().int(),
  });
}

export interface Page<Item> {
  items: Item[];
  total: number;
  limit: number;
  offset: number;
}

/**
 * What a caller may put in a query string that `Query` parses: each of its parameters, as text or a
 * number. Naming a parameter the server no longer reads fails to compile.
 */
export type QueryParameters<Query extends z.ZodObject> = {
  [Name in keyof z.input<Query>]?: string | number;
};
