// Opens the MCP server's store (@repo/server-kit/database): its own SQLite file by default, or a
// PostgreSQL database that several replicas share when MCP_DATABASE_URL is a postgres:// URL.
import { type OpenServerStoreOptions, openServerStore } from "@repo/server-kit/database";
import type { Store, Executor as StoreExecutor } from "@repo/server-kit/store";
import * as sqliteSchema from "./schema";
import * as postgresSchema from "./schema.postgres";

/** The tables store code sees: typed as PostgreSQL's, whichever engine runs (see @repo/server-kit/store). */
export const postgresTables = {
  watchlistItems: postgresSchema.watchlistItems,
  automationJobs: postgresSchema.automationJobs,
  toolCalls: postgresSchema.toolCalls,
};
export type Tables = typeof postgresTables;

/** The same tables on SQLite, passed under the PostgreSQL types; test/schemas.test.ts checks they match. */
export const sqliteTables = {
  watchlistItems: sqliteSchema.watchlistItems,
  automationJobs: sqliteSchema.automationJobs,
  toolCalls: sqliteSchema.toolCalls,
} as unknown as Tables;

export type McpStore = Store<Tables>;
export type Executor = StoreExecutor<Tables>;

/** This app's directory, where its migrations are (see @repo/server-kit/database). */
export const APP_ROOT = new URL("../../", import.meta.url);

export function openMcpStore(
  options: Pick<OpenServerStoreOptions<Tables>, "database" | "onPoolError">,
): Promise<McpStore> {
  return openServerStore<Tables>({
    ...options,
    // Its own migration journal and lock, so it may share a database with the auth-server's tables.
    name: "mcp-server",
    appRoot: APP_ROOT,
    tables: { sqlite: sqliteTables, postgres: postgresTables },
  });
}
