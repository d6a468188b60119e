// The embedded engine: one better-sqlite3 connection to the server's own file. better-sqlite3 runs each
// statement synchronously, so SQLite needs no pool; what it needs is order. A transaction's work is
// async (it awaits its statements), and any statement that ran on the connection while it was open
// would become part of it, committed or rolled back with someone else's work. So every unit of work,
// plain or transactional, takes its turn on one queue. Statements are microseconds, so the queue costs
// little: measured in `npm run bench`.
import { openSqliteDatabase } from "./sqlite";
import type { Db, Executor, Store } from "./store";

export interface SqliteStoreOptions<Tables> {
  /** A file path (its directory is created), or `:memory:` for a database that dies with the process. */
  path: string;
  /** The SQLite table definitions, passed under the PostgreSQL types (see store.ts). */
  tables: Tables;
  migrationsFolder: string;
}

export function openSqliteStore<Tables>({
  path,
  tables,
  migrationsFolder,
}: SqliteStoreOptions<Tables>): Store<Tables> {
  const { db, sqlite, close } = openSqliteDatabase({
    path,
    schema: tables as Record<string, unknown>,
    migrationsFolder,
  });
  const executor: Executor<Tables> = {
    // The one place the SQLite handle is passed under the PostgreSQL type; see store.ts.
    db: db as unknown as Db,
    tables,
    dialect: "sqlite",
  };
  let queue: Promise<unknown> = Promise.resolve();
  const inTurn = <R>(work: () => Promise<R>): Promise<R> => {
    const result = queue.then(work);
    queue = result.catch(() => undefined);
    return result;
  };
  let closed = false;

  return {
    dialect: "sqlite",
    run: (work) => inTurn(() => work(executor)),
    transaction: (work) =>
      inTurn(async () => {
        // IMMEDIATE takes the write lock at once, so another process on the same file (a second
        // server during tests, a maintenance script) waits at BEGIN instead of failing at COMMIT.
        sqlite.exec("BEGIN IMMEDIATE");
        try {
          const result = await work(executor);
          sqlite.exec("COMMIT");
          return result;
        } catch (error) {
          if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
          throw error;
        }
      }),
    ping: () =>
      inTurn(async () => {
        sqlite.prepare("select 1").get();
      }),
    pool: () => undefined,
    close: () =>
      inTurn(async () => {
        if (closed) return;
        closed = true;
        close();
      }),
  };
}
