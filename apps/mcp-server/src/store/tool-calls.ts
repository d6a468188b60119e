// The tool-call audit log: who called which tool, with which scopes, and what came of it.
import { preparedPerExecutor } from "@repo/server-kit/sqlite";
import { desc, sql } from "drizzle-orm";
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
