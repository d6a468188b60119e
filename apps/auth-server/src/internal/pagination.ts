// Bounded pages for the admin lists (docs/internal-api.md "Conventions").
import { z } from "zod";

export const MAX_PAGE_SIZE = 100;

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export function page<T>(items: T[], total: number, query: { limit: number; offset: number }) {
  return { items, total, limit: query.limit, offset: query.offset };
}

/** ISO 8601 in UTC, or null: the one way times leave this API. */
export function isoTime(value: Date | null | undefined): string | null {
  return value ? value.toISOString() : null;
}
