// A server's own database, the same way for both servers: a SQLite file by default, or a PostgreSQL
// database that several replicas share when the app's *_DATABASE_URL names one; either way migrated at
// start from the app's committed drizzle-kit folders for that engine (see store.ts).
import { fileURLToPath } from "node:url";
import type { DatabaseSettings } from "./server-settings";
import { type Dialect, isPostgresUrl, type Store } from "./store";
import { openPostgresStore, type PostgresStoreOptions } from "./store-postgres";
import { openSqliteStore, type SqliteStoreOptions } from "./store-sqlite";

/**
 * Where every app keeps each engine's schema and migrations, relative to its own directory; its
 * drizzle.config.ts and drizzle.postgres.config.ts name the same files for drizzle-kit.
 */
export const DATABASE_LAYOUT: Record<Dialect, { schema: string; migrations: string }> = {
  sqlite: { schema: "src/db/schema.ts", migrations: "drizzle" },
  postgres: { schema: "src/db/schema.postgres.ts", migrations: "drizzle-postgres" },
};

/** The committed migrations of one engine, for an app whose directory is `appRoot`. */
export function migrationsFolder(appRoot: URL, dialect: Dialect): string {
  return fileURLToPath(new URL(DATABASE_LAYOUT[dialect].migrations, appRoot));
}

export interface OpenServerStoreOptions<Tables> {
  /** Names the server's migration journal and advisory lock on PostgreSQL (see store-postgres.ts). */
  name: string;
  /** The app's directory, which holds its migrations (DATABASE_LAYOUT). */
  appRoot: URL;
  /**
   * The app's tables on each engine; the SQLite ones are passed under the PostgreSQL types, and each
   * app holds the two definitions together with a test.
   */
  tables: Record<Dialect, Tables>;
  /** Its settings (server-settings.ts); the pool size defaults to the pool's own. */
  database: Pick<DatabaseSettings, "url"> & Partial<Pick<DatabaseSettings, "poolSize">>;
  /** Seeding: runs once the schema is current, under the migration lock on PostgreSQL. */
  prepare?: (store: Store<Tables>) => Promise<void>;
  /** Errors on idle PostgreSQL connections (a restart, a failover): logged, never a crash. */
  onPoolError?: (error: Error) => void;
}

export function openServerStore<Tables>(
  options: OpenServerStoreOptions<Tables>,
): Promise<Store<Tables>> {
  return openStore<Tables>({
    url: options.database.url,
    sqlite: {
      tables: options.tables.sqlite,
      migrationsFolder: migrationsFolder(options.appRoot, "sqlite"),
    },
    postgres: {
      tables: options.tables.postgres,
      migrationsFolder: migrationsFolder(options.appRoot, "postgres"),
      name: options.name,
      poolSize: options.database.poolSize,
      onPoolError: options.onPoolError,
    },
    prepare: options.prepare,
  });
}

export interface OpenStoreOptions<Tables> {
  /** `postgres://…` or `postgresql://…` for PostgreSQL; otherwise a SQLite file path or `:memory:`. */
  url: string;
  sqlite: Omit<SqliteStoreOptions<Tables>, "path">;
  postgres: Omit<PostgresStoreOptions<Tables>, "url">;
  /**
   * Runs once after the migrations and before the store is handed out: seeding. On PostgreSQL it runs
   * under the same advisory lock as the migrations, so replicas starting together seed one by one, and
   * it must be idempotent (the second replica finds the rows there).
   */
  prepare?: (store: Store<Tables>) => Promise<void>;
}

/** Opens either engine behind the one Store interface (store.ts), migrated and prepared. */
export async function openStore<Tables>(options: OpenStoreOptions<Tables>): Promise<Store<Tables>> {
  if (isPostgresUrl(options.url)) {
    return openPostgresStore({ ...options.postgres, url: options.url }, options.prepare);
  }
  const store = openSqliteStore({ ...options.sqlite, path: options.url });
  try {
    await options.prepare?.(store);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
