// Page links for the console's lists: offset pages for the API's lists, cursors for the audit log.

export const PAGE_SIZE = 25;

/** A page's query parameters, as Next.js hands them to it. */
export type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export interface OffsetWindow {
  /** 1-based position of the first and last row shown; 0 and 0 for an empty list. */
  from: number;
  to: number;
  total: number;
  previousOffset: number | undefined;
  nextOffset: number | undefined;
}

export function offsetWindow(page: {
  total: number;
  limit: number;
  offset: number;
  shown: number;
}): OffsetWindow {
  const { total, limit, offset, shown } = page;
  return {
    from: shown === 0 ? 0 : offset + 1,
    to: offset + shown,
    total,
    previousOffset: offset > 0 ? Math.max(0, offset - limit) : undefined,
    nextOffset: offset + shown < total && shown > 0 ? offset + shown : undefined,
  };
}

/** A non-negative whole offset from the query string; anything else is the first page. */
export function parseOffset(value: unknown): number {
  if (typeof value !== "string" || !/^\d{1,9}$/.test(value)) return 0;
  return Number(value);
}

/** `?` and the given query parameters, leaving out empty ones; "" when none is left. */
export function queryString(parameters: Record<string, string | number | undefined>): string {
  const present = Object.entries(parameters).filter(
    (entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== "",
  );
  if (present.length === 0) return "";
  return `?${new URLSearchParams(present.map(([key, value]) => [key, String(value)]))}`;
}

/** `path` with the given query parameters, leaving out empty ones. */
export function hrefWith(
  path: string,
  parameters: Record<string, string | number | undefined>,
): string {
  return `${path}${queryString(parameters)}`;
}

/** One string from a query parameter that may be repeated or absent. */
export function single(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === "" ? undefined : first;
}
