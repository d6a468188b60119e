// The MCP server's tables on PostgreSQL, for replicas that share one database (MCP_DATABASE_URL).
//
// Two schemas held together by a test: drizzle has no dialect-neutral table builder, so each engine
// gets its own definitions, and test/schemas.test.ts checks that both name the same tables, columns,
// types, nullability, keys and indexes. Store code is written once against these tables' types (see
// @repo/server-kit/store); the SQLite ones (schema.ts) are handed over under them.
import {
  bigint,
  index,
  integer,
  jsonb,
  pgTable,
  timestamp as pgTimestamp,
  primaryKey,
  text,
} from "drizzle-orm/pg-core";
import type { AutomationKind, DigestCadence, ToolCallOutcome } from "./schema";

const timestamp = (name: string) =>
  pgTimestamp(name, { mode: "date", withTimezone: true, precision: 3 }).notNull().defaultNow();

export const watchlistItems = pgTable(
  "watchlist_items",
  {
    subject: text("subject").notNull(),
    ticker: text("ticker").notNull(),
    note: text("note"),
    addedAt: timestamp("added_at"),
  },
  (table) => [primaryKey({ columns: [table.subject, table.ticker] })],
);

export const automationJobs = pgTable(
  "automation_jobs",
  {
    id: text("id").primaryKey(),
    subject: text("subject").notNull(),
    clientId: text("client_id").notNull(),
    kind: text("kind").$type<AutomationKind>().notNull(),
    cadence: text("cadence").$type<DigestCadence>().notNull(),
    hourUtc: integer("hour_utc").notNull(),
    tickers: jsonb("tickers").$type<string[]>().notNull(),
    createdAt: timestamp("created_at"),
  },
  (table) => [index("automation_jobs_subject").on(table.subject, table.createdAt)],
);

export const toolCalls = pgTable(
  "tool_calls",
  {
    // An identity column: ids come from one sequence, so replicas never hand out the same one. 64-bit
    // like SQLite's rowid, since an audit log outgrows 2^31 rows long before its other tables.
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    occurredAt: pgTimestamp("occurred_at", {
      mode: "date",
      withTimezone: true,
      precision: 3,
    }).notNull(),
    subject: text("subject"),
    clientId: text("client_id"),
    tool: text("tool").notNull(),
    scopes: text("scopes"),
    outcome: text("outcome").$type<ToolCallOutcome>().notNull(),
    durationMs: integer("duration_ms").notNull(),
    error: text("error"),
    requestId: text("request_id"),
  },
  (table) => [
    index("tool_calls_subject").on(table.subject, table.occurredAt),
    index("tool_calls_client_id").on(table.clientId, table.occurredAt),
    index("tool_calls_occurred_at").on(table.occurredAt),
  ],
);
