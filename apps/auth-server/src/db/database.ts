// Opens the auth-server's store (@repo/server-kit/database): its own SQLite file by default, or a
// PostgreSQL database that several replicas share when AUTH_DATABASE_URL is a postgres:// URL.
import { type OpenServerStoreOptions, openServerStore } from "@repo/server-kit/database";
import type { Store, Executor as StoreExecutor } from "@repo/server-kit/store";
import * as sqliteSchema from "./schema";
import * as postgresSchema from "./schema.postgres";

/** The tables store code is written against: the PostgreSQL definitions (see @repo/server-kit/store). */
export type AuthTables = typeof postgresSchema;
export type Executor = StoreExecutor<AuthTables>;
export type AuthStore = Store<AuthTables>;

export function openAuthStore(
  options: Pick<OpenServerStoreOptions<AuthTables>, "database" | "prepare" | "onPoolError">,
): Promise<AuthStore> {
  return openServerStore<AuthTables>({
    ...options,
    name: "auth-server",
    appRoot: new URL("../../", import.meta.url),
    tables: {
      // The one place the SQLite tables are passed under the PostgreSQL types; test/schema-parity
      // holds the two definitions together.
      sqlite: sqliteSchema as unknown as AuthTables,
      postgres: postgresSchema,
    },
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
