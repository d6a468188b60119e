// The tool-call audit log: who called which tool, with which scopes, and what came of it.
import { preparedPerExecutor } from "@repo/server-kit/sqlite";
import { and, desc, eq, gte, lt, or, type SQL, sql } from "drizzle-orm";
import type { Executor } from "../db/database";
import { type ToolCallOutcome, toolCalls } from "../db/schema";

export type ToolCallRecord = typeof toolCalls.$inferSelect;

export interface ToolCallEntry {
  occurredAt: Date;
  subject: string | null;
  clientId: string | null;
  tool: string;
  scopes: string | null;
  outcome: ToolCallOutcome;
  durationMs: number;
  error?: string | null;
}

/** Long enough for any message this server writes; a client-chosen tool name is cut to fit too. */
const MAX_TEXT_LENGTH = 500;

const insertToolCall = preparedPerExecutor((executor: Executor) =>
  executor
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
    })
    .prepare(),
);

export function recordToolCall(executor: Executor, entry: ToolCallEntry): void {
  insertToolCall(executor).run({
    ...entry,
    tool: entry.tool.slice(0, MAX_TEXT_LENGTH),
    durationMs: Math.max(0, Math.round(entry.durationMs)),
    error: entry.error?.slice(0, MAX_TEXT_LENGTH) ?? null,
  });
}

/** Newest first. */
export function listToolCalls(executor: Executor, limit = 100): ToolCallRecord[] {
  return executor
    .select()
    .from(toolCalls)
    .orderBy(desc(toolCalls.id))
    .limit(Math.min(limit, 1000))
    .all();
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

export function queryToolCalls(executor: Executor, query: ToolCallQuery): ToolCallRecord[] {
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
  return executor
    .select()
    .from(toolCalls)
    .where(and(...conditions))
    .orderBy(desc(toolCalls.occurredAt), desc(toolCalls.id))
    .limit(query.limit)
    .all();
}
