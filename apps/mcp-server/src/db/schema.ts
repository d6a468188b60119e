// The MCP server's own tables on SQLite (the default engine): per-user domain data and its tool-call
// audit. Rows are keyed by the token's `sub`; this server never reads the auth-server's database.
// schema.postgres.ts defines the same tables for PostgreSQL; test/schemas.test.ts holds the two together.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

const timestamp = (name: string) =>
  integer(name, { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch('subsec') * 1000)`);

/** One ticker on one person's watchlist; the key makes adding the same ticker twice a no-op. */
export const watchlistItems = sqliteTable(
  "watchlist_items",
  {
    subject: text("subject").notNull(),
    ticker: text("ticker").notNull(),
    note: text("note"),
    addedAt: timestamp("added_at"),
  },
  (table) => [primaryKey({ columns: [table.subject, table.ticker] })],
);

export type AutomationKind = "digest";
export type DigestCadence = "daily" | "weekly";

/** A job a person asked this server to run for them later (stored only; no scheduler runs here). */
export const automationJobs = sqliteTable(
  "automation_jobs",
  {
    id: text("id").primaryKey(),
    subject: text("subject").notNull(),
    /** The client that created it, so a person can tell which app set up what. */
    clientId: text("client_id").notNull(),
    kind: text("kind").$type<AutomationKind>().notNull(),
    cadence: text("cadence").$type<DigestCadence>().notNull(),
    /** Hour of day (UTC) the digest is due. */
    hourUtc: integer("hour_utc").notNull(),
    tickers: text("tickers", { mode: "json" }).$type<string[]>().notNull(),
    createdAt: timestamp("created_at"),
  },
  (table) => [index("automation_jobs_subject").on(table.subject, table.createdAt)],
);

export type ToolCallOutcome = "success" | "denied" | "error";

/** The audit log: one row per tools/call this server answered or refused. */
export const toolCalls = sqliteTable(
  "tool_calls",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    occurredAt: integer("occurred_at", { mode: "timestamp_ms" }).notNull(),
    /** Null when the request carried no token this server could verify. */
    subject: text("subject"),
    clientId: text("client_id"),
    /** The tool name as the client sent it (possibly one that does not exist). */
    tool: text("tool").notNull(),
    /** The verified token's scope claim. */
    scopes: text("scopes"),
    outcome: text("outcome").$type<ToolCallOutcome>().notNull(),
    durationMs: integer("duration_ms").notNull(),
    error: text("error"),
    /** The HTTP request the call came in, to join this row with the request's log lines. */
    requestId: text("request_id"),
  },
  (table) => [
    index("tool_calls_subject").on(table.subject, table.occurredAt),
    index("tool_calls_client_id").on(table.clientId, table.occurredAt),
    // The admin console's timeline reads newest first across everyone (GET /admin/audit).
    index("tool_calls_occurred_at").on(table.occurredAt),
  ],
);
