// One audit timeline from two logs: the auth-server's events and the MCP server's tool calls, each
// paged by its own cursor (docs/internal-api.md, "The MCP server's tool-call audit").

export type AuditSource = "auth-server" | "mcp-server";

export interface TimelineRow {
  source: AuditSource;
  cursor: string;
  occurredAt: string;
}

export interface SourcePage<Row extends TimelineRow> {
  items: Row[];
  nextCursor: string | null;
}

/**
 * Where each source continues: undefined = from its newest row, a cursor = strictly after that row,
 * END = nothing more (or the filters leave this source out).
 */
export const END = "end";
export type SourcePosition = string | undefined;

export interface MergedPage<Row extends TimelineRow> {
  rows: Row[];
  next: Record<AuditSource, SourcePosition> | undefined;
}

function time(row: TimelineRow): number {
  const value = Date.parse(row.occurredAt);
  return Number.isNaN(value) ? 0 : value;
}

/**
 * Newest first across both sources, `limit` rows. Each source's own order is kept (a stable merge),
 * and each source continues from the last of its rows that was shown, so no row is skipped or shown
 * twice however the two interleave.
 */
export function mergeTimeline<Row extends TimelineRow>(
  pages: Partial<Record<AuditSource, SourcePage<Row>>>,
  positions: Record<AuditSource, SourcePosition>,
  limit: number,
): MergedPage<Row> {
  const sources: AuditSource[] = ["auth-server", "mcp-server"];
  const queues = Object.fromEntries(
    sources.map((source) => [source, [...(pages[source]?.items ?? [])]]),
  ) as Record<AuditSource, Row[]>;
  const rows: Row[] = [];
  while (rows.length < limit) {
    const [auth] = queues["auth-server"];
    const [mcp] = queues["mcp-server"];
    if (!auth && !mcp) break;
    const takeAuth = auth !== undefined && (mcp === undefined || time(auth) >= time(mcp));
    const taken = takeAuth ? queues["auth-server"].shift() : queues["mcp-server"].shift();
    if (taken) rows.push(taken);
  }

  const next = {} as Record<AuditSource, SourcePosition>;
  for (const source of sources) {
    const page = pages[source];
    // Not asked: the filters leave it out, or it had already ended.
    if (!page) {
      next[source] = END;
      continue;
    }
    const shown = rows.filter((row) => row.source === source);
    const last = shown.at(-1);
    const exhausted = queues[source].length === 0 && page.nextCursor === null;
    next[source] = exhausted ? END : (last?.cursor ?? positions[source]);
  }
  const more = sources.some((source) => next[source] !== END);
  return { rows, next: more ? next : undefined };
}

export interface TimelineFilters {
  source?: AuditSource | undefined;
  event?: string | undefined;
  tool?: string | undefined;
}

/** The MCP server's log has one event type. */
export const TOOL_CALL_EVENT = "tool.call";

/**
 * Which logs can hold rows for these filters: a tool name or `tool.call` exists only in the MCP
 * server's log, any other event type only in the auth-server's.
 */
export function sourcesFor(filters: TimelineFilters): AuditSource[] {
  const sources: AuditSource[] = [];
  const mcpOnly = filters.tool !== undefined || filters.event === TOOL_CALL_EVENT;
  const authOnly = filters.event !== undefined && filters.event !== TOOL_CALL_EVENT;
  if (!mcpOnly && filters.source !== "mcp-server") sources.push("auth-server");
  if (!authOnly && filters.source !== "auth-server") sources.push("mcp-server");
  return sources;
}

/**
 * A `datetime-local` value read as UTC (the console writes every time in UTC), as the ISO 8601
 * string the APIs take; undefined for anything else.
 */
export function parseUtcDateTime(value: string | undefined): string | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return undefined;
  const date = new Date(`${value.length === 16 ? `${value}:00` : value}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
