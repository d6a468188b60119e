// Opens the MCP server's store: its own SQLite file by default, or a PostgreSQL database that several
// replicas share (MCP_DATABASE_URL), with the schema brought up to date by the committed migrations.
import { fileURLToPath } from "node:url";
import { openStore, type Store, type Executor as StoreExecutor } from "@repo/server-kit/store";
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

export const SQLITE_MIGRATIONS_FOLDER = fileURLToPath(new URL("../../drizzle", import.meta.url));
export const POSTGRES_MIGRATIONS_FOLDER = fileURLToPath(
  new URL("../../drizzle-postgres", import.meta.url),
);

export interface OpenMcpStoreOptions {
  /** `postgres://…` for PostgreSQL; otherwise a SQLite file path or `:memory:`. */
  url: string;
  /** Connections per replica on PostgreSQL. */
  poolSize?: number;
  /** Errors on idle PostgreSQL connections (the server restarting): logged, never a crash. */
  onPoolError?: (error: Error) => void;
}

export function openMcpStore({
  url,
  poolSize,
  onPoolError,
}: OpenMcpStoreOptions): Promise<McpStore> {
  return openStore<Tables>({
    url,
    sqlite: { tables: sqliteTables, migrationsFolder: SQLITE_MIGRATIONS_FOLDER },
    postgres: {
      tables: postgresTables,
      migrationsFolder: POSTGRES_MIGRATIONS_FOLDER,
      // Its own migration journal and lock, so it may share a database with the auth-server's tables.
      name: "mcp-server",
      poolSize,
      onPoolError,
    },
  });
}
