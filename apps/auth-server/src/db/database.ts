// Opens the auth-server's store: its own SQLite file by default, or a PostgreSQL database that several
// replicas share when AUTH_DATABASE_URL is a postgres:// URL. Either way the committed drizzle-kit
// migrations for that engine are applied at start (on PostgreSQL under an advisory lock, see
// @repo/server-kit/store).
import { fileURLToPath } from "node:url";
import { openStore, type Store, type Executor as StoreExecutor } from "@repo/server-kit/store";
import * as sqliteSchema from "./schema";
import * as postgresSchema from "./schema.postgres";

/** The tables store code is written against: the PostgreSQL definitions (see @repo/server-kit/store). */
export type AuthTables = typeof postgresSchema;
export type Executor = StoreExecutor<AuthTables>;
export type AuthStore = Store<AuthTables>;

const SQLITE_MIGRATIONS = fileURLToPath(new URL("../../drizzle", import.meta.url));
const POSTGRES_MIGRATIONS = fileURLToPath(new URL("../../drizzle-postgres", import.meta.url));

export interface OpenAuthStoreOptions {
  /** A postgres:// or postgresql:// URL, or a SQLite file path (or `:memory:`). */
  url: string;
  poolSize?: number;
  /** Seeding: runs once the schema is current, under the migration lock on PostgreSQL. */
  prepare?: (store: AuthStore) => Promise<void>;
  onPoolError?: (error: Error) => void;
}

export function openAuthStore(options: OpenAuthStoreOptions): Promise<AuthStore> {
  return openStore<AuthTables>({
    url: options.url,
    sqlite: {
      // The one place the SQLite tables are passed under the PostgreSQL types; test/schema-parity
      // holds the two definitions together.
      tables: sqliteSchema as unknown as AuthTables,
      migrationsFolder: SQLITE_MIGRATIONS,
    },
    postgres: {
      tables: postgresSchema,
      migrationsFolder: POSTGRES_MIGRATIONS,
      name: "auth-server",
      poolSize: options.poolSize,
      onPoolError: options.onPoolError,
    },
    prepare: options.prepare,
  });
}

/**
 * Locks the rows a query selects until the transaction ends: SELECT … FOR UPDATE on PostgreSQL, where
 * under READ COMMITTED a second transaction on the same rows then waits here and, once the first
 * commits, reads what it wrote. On SQLite the statement runs as it is: a store transaction there holds
 * the database's one write lock from BEGIN IMMEDIATE to COMMIT, so no other writer can come between.
 */
export function forUpdate<Query extends object>(x: Executor, query: Query): Query {
  if (x.dialect !== "postgres") return query;
  return (query as unknown as { for(strength: "update"): Query }).for("update");
}
