// One store API over two engines. By default a server keeps its state in its own SQLite file
// (better-sqlite3: nothing to install); given a postgres:// URL it uses a pooled PostgreSQL database
// that several replicas share (node-postgres). Handlers never see which one runs: they hand their
// work to `run` (statements that each commit on their own) or `transaction` (all or nothing), and the
// work gets an Executor, a drizzle handle plus the tables of the engine that runs.
//
// Store code is typed against drizzle's PostgreSQL API, the stricter of the two: it has no synchronous
// `.get()`, `.all()` or `.run()`, so code that compiles is plain awaited drizzle that runs on both
// engines. The SQLite handle and tables are passed under those types; each app holds its two table
// definitions together with a test (same tables, columns, types, keys and indexes), and its store tests
// run on both engines.
import type { NodePgDatabase } from "drizzle-orm/node-postgres";

export type Dialect = "sqlite" | "postgres";

/** A drizzle handle, the database or a transaction on it, typed as PostgreSQL's (see above). */
export type Db = NodePgDatabase<Record<string, never>>;

export interface Executor<Tables> {
  readonly db: Db;
  readonly tables: Tables;
  /** For the rare statement the two engines spell differently (row ids, date arithmetic). */
  readonly dialect: Dialect;
}

/** Pool figures for metrics; SQLite has one connection and reports none. */
export interface PoolUse {
  total: number;
  idle: number;
  waiting: number;
}

export interface Store<Tables> {
  readonly dialect: Dialect;
  /**
   * Runs `work` with statements that commit one by one. On SQLite the work is serialised with every
   * other unit of work on the one connection, so it must only run statements: waiting on the network
   * inside it would stall every request. The same holds for `transaction`.
   */
  run<R>(work: (x: Executor<Tables>) => Promise<R>): Promise<R>;
  /** Runs `work` in one transaction: it commits when the work resolves, and rolls back if it throws. */
  transaction<R>(work: (x: Executor<Tables>) => Promise<R>): Promise<R>;
  /** One round trip to the database: for health checks. */
  ping(): Promise<void>;
  pool(): PoolUse | undefined;
  close(): Promise<void>;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/**
 * Builds a prepared statement once per drizzle handle and reuses it. On SQLite, drizzle otherwise
 * rebuilds and re-prepares the SQL on every call (a client lookup: 118 µs unprepared, 1.2 µs
 * prepared, which decides the token endpoint's throughput). On PostgreSQL the statement is named, so
 * each pooled connection parses it once. A PostgreSQL transaction is a handle of its own and builds
 * its own (the build is cheap; the name is what the server caches).
 */
export function preparedPerHandle<Tables, Statement>(
  build: (x: Executor<Tables>) => Statement,
): (x: Executor<Tables>) => Statement {
  const statements = new WeakMap<Db, Statement>();
  return (x) => {
    let statement = statements.get(x.db);
    if (statement === undefined) {
      statement = build(x);
      statements.set(x.db, statement);
    }
    return statement;
  };
}

/** True for a violated unique or primary key constraint, on either engine. */
export function isUniqueViolation(error: unknown): boolean {
  const code = errorCode(error);
  return (
    code === "23505" ||
    code === "SQLITE_CONSTRAINT_UNIQUE" ||
    code === "SQLITE_CONSTRAINT_PRIMARYKEY"
  );
}

/**
 * True when the database could not be reached or went away mid-request (PostgreSQL down, restarting,
 * or the pool exhausted past its wait): the request may succeed later, so it deserves a 503 with
 * Retry-After rather than a 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = errorCode(error);
  if (code === undefined) {
    // node-postgres says these in words only, and drizzle wraps them (its message is the SQL).
    return causes(error).some(
      (cause) =>
        cause instanceof Error &&
        /timeout exceeded when trying to connect|Connection terminated/i.test(cause.message),
    );
  }
  return (
    code === "ECONNREFUSED" ||
    code === "ECONNRESET" ||
    code === "ETIMEDOUT" ||
    code === "ENOTFOUND" ||
    code === "EPIPE" ||
    code === "57P01" || // admin_shutdown
    code === "57P02" || // crash_shutdown
    code === "57P03" || // cannot_connect_now
    code === "53300" || // too_many_connections
    code.startsWith("08") // connection_exception class
  );
}

/** Seconds a client is asked to wait when the database cannot be reached (RFC 9110 §10.2.3). */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * The driver's code and message, for a one-line warning: drizzle wraps driver errors in a query error
 * whose message is the SQL, which says nothing about why it failed.
 */
export function describeDatabaseError(error: unknown): string {
  const innermost = causes(error).findLast((cause) => cause instanceof Error) ?? error;
  if (!(innermost instanceof Error)) return String(innermost);
  const code = errorCode(innermost);
  return [code, innermost.message].filter(Boolean).join(" ");
}

/** The error and the causes it wraps, outermost first. */
function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    chain.push(current);
    current = typeof current === "object" && "cause" in current ? current.cause : undefined;
  }
  return chain;
}

function errorCode(error: unknown): string | undefined {
  // drizzle wraps driver errors in a DrizzleQueryError whose `cause` is the driver's error.
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    if (typeof current === "object" && "code" in current && typeof current.code === "string") {
      return current.code;
    }
    current = typeof current === "object" && "cause" in current ? current.cause : undefined;
  }
  return undefined;
}
