// Bounded pages and times as the admin lists answer them (docs/internal-api.md "Conventions").
import type { Page } from "@repo/contracts/admin-api";

export function page<T>(
  items: T[],
  total: number,
  query: { limit: number; offset: number },
): Page<T> {
  return { items, total, limit: query.limit, offset: query.offset };
}

/** ISO 8601 in UTC, or null: the one way times leave this API. */
export function isoTime(value: Date | null | undefined): string | null {
  return value ? value.toISOString() : null;
}
