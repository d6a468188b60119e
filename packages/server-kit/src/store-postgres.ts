// The shared engine: a node-postgres pool that several replicas of a server use at once. Migrations and
// the seed run under a PostgreSQL advisory lock, so replicas that start together apply them once.
import { createHash } from "node:crypto";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import type { Db, Executor, Store } from "./store";

export interface PostgresStoreOptions<Tables> {
  url: string;
  /** The PostgreSQL table definitions. */
  tables: Tables;
  migrationsFolder: string;
  /**
   * Names this server's migration journal (in schema `drizzle`) and its advisory lock, so two servers
   * can share one database without taking each other's migrations for their own.
   */
  name: string;
  /** Connections per replica; each replica holds its own pool. */
  poolSize?: number;
  /** How long a request waits for a free connection before it fails (and gets a 503). */
  connectionTimeoutMillis?: number;
  /** Told about errors on idle connections (PostgreSQL restarting); without a listener they would crash the process. */
  onPoolError?: (error: Error) => void;
}

export async function openPostgresStore<Tables>(
  options: PostgresStoreOptions<Tables>,
  prepare?: (store: Store<Tables>) => Promise<void>,
): Promise<Store<Tables>> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5_000,
    idleTimeoutMillis: 30_000,
  });
  pool.on("error", (error) => options.onPoolError?.(error));
  const db = drizzle(pool) as Db;
  const executor: Executor<Tables> = { db, tables: options.tables, dialect: "postgres" };
  const store: Store<Tables> = {
    dialect: "postgres",
    run: (work) => work(executor),
    transaction: (work) =>
      db.transaction((tx) =>
        work({ db: tx as unknown as Db, tables: options.tables, dialect: "postgres" }),
      ),
    ping: async () => {
      await pool.query("select 1");
    },
    pool: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => pool.end(),
  };

  try {
    const client = await pool.connect();
    const lock = advisoryLockKey(options.name);
    try {
      // A session-level lock on a connection of its own: the other replica's pg_advisory_lock waits
      // here until this one has migrated and seeded.
      await client.query("select pg_advisory_lock($1)", [lock]);
      try {
        await migrate(drizzle(client), {
          migrationsFolder: options.migrationsFolder,
          migrationsSchema: "drizzle",
          migrationsTable: `${options.name.replace(/[^a-z0-9_]/gi, "_")}_migrations`,
        });
        await prepare?.(store);
      } finally {
        await client.query("select pg_advisory_unlock($1)", [lock]);
      }
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end();
    throw error;
  }
  return store;
}

/** pg_advisory_lock takes a 64-bit integer; this one is derived from the server's name. */
function advisoryLockKey(name: string): string {
  return BigInt.asIntN(
    64,
    createHash("sha256").update(`migrate:${name}`).digest().readBigUInt64BE(),
  ).toString();
}
