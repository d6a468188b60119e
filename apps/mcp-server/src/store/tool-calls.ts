// The tool-call audit log: who called which tool, with which scopes, and what came of it.
import { currentRequestId } from "@repo/server-kit/request-context";
import { preparedPerHandle } from "@repo/server-kit/store";
import { and, desc, eq, gte, lt, or, type SQL, sql } from "drizzle-orm";
import type { Executor, Tables } from "../db/database";
import type { ToolCallOutcome } from "../db/schema";

export type ToolCallRecord = Tables["toolCalls"]["$inferSelect"];

export interface ToolCallEntry {
  occurredAt: Date;
  subject: string | null;
  clientId: string | null;
  tool: string;
  scopes: string | null;
  outcome: ToolCallOutcome;
  durationMs: number;
  error?: string | null;
  /**
   * The HTTP request the call came in (its X-Request-Id, from the proxy or made up by this server).
   * Left out, it is read from the request context, so every audit row of a request names it.
   */
  requestId?: string | null;
}

/** Long enough for any message this server writes; a client-chosen tool name is cut to fit too. */
const MAX_TEXT_LENGTH = 500;

const insertToolCall = preparedPerHandle(({ db, tables: { toolCalls } }: Executor) =>
  db
    .insert(toolCalls)
    .values({
      occurredAt: sql.placeholder("occurredAt"),
      subject: sql.placeholder("subject"),
      clientId: sql.placeholder("clientId"),
      tool: sql.placeholder("tool"),
      scopes: sql.placeholder("scopes"),
      outcome: sql.placeholder("outcome"),
      durationMs: sql.placeholder("durationMs"),
      error: sql.placeholder("error"),
      requestId: sql.placeholder("requestId"),
    })
    .prepare("mcp_insert_tool_call"),
);

export async function recordToolCall(x: Executor, entry: ToolCallEntry): Promise<void> {
  await insertToolCall(x).execute({
    ...entry,
    tool: entry.tool.slice(0, MAX_TEXT_LENGTH),
    durationMs: Math.max(0, Math.round(entry.durationMs)),
    error: entry.error?.slice(0, MAX_TEXT_LENGTH) ?? null,
    requestId: (entry.requestId ?? currentRequestId())?.slice(0, MAX_TEXT_LENGTH) ?? null,
  });
}

/** Newest first. */
export function listToolCalls(
  { db, tables: { toolCalls } }: Executor,
  limit = 100,
): Promise<ToolCallRecord[]> {
  return db.select().from(toolCalls).orderBy(desc(toolCalls.id)).limit(Math.min(limit, 1000));
}

/** The admin console's filters over the tool-call log; pages are keyed by (occurredAt, id), newest first. */
export interface ToolCallQuery {
  subject?: string | undefined;
  clientId?: string | undefined;
  tool?: string | undefined;
  outcome?: ToolCallOutcome | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
  /** Rows strictly after this position in the newest-first order. */
  after?: { occurredAt: Date; id: number } | undefined;
  limit: number;
}

export function queryToolCalls(
  { db, tables: { toolCalls } }: Executor,
  query: ToolCallQuery,
): Promise<ToolCallRecord[]> {
  const conditions: SQL[] = [];
  if (query.subject !== undefined) conditions.push(eq(toolCalls.subject, query.subject));
  if (query.clientId !== undefined) conditions.push(eq(toolCalls.clientId, query.clientId));
  if (query.tool !== undefined) conditions.push(eq(toolCalls.tool, query.tool));
  if (query.outcome !== undefined) conditions.push(eq(toolCalls.outcome, query.outcome));
  if (query.since !== undefined) conditions.push(gte(toolCalls.occurredAt, query.since));
  if (query.until !== undefined) conditions.push(lt(toolCalls.occurredAt, query.until));
  if (query.after !== undefined) {
    const { occurredAt, id } = query.after;
    const older = or(
      lt(toolCalls.occurredAt, occurredAt),
      and(eq(toolCalls.occurredAt, occurredAt), lt(toolCalls.id, id)),
    );
    if (older) conditions.push(older);
  }
  return db
    .select()
    .from(toolCalls)
    .where(and(...conditions))
    .orderBy(desc(toolCalls.occurredAt), desc(toolCalls.id))
    .limit(query.limit);
}
