// Opens the MCP server's SQLite file and brings its schema up to date with the committed migrations.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import BetterSqlite3 from "better-sqlite3";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import * as schema from "./schema";

export type Database = BetterSQLite3Database<typeof schema>;
/** The database or a transaction on it: repository functions take either, so callers choose the unit of work. */
export type Executor = BaseSQLiteDatabase<"sync", BetterSqlite3.RunResult, typeof schema>;

const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../drizzle", import.meta.url));

export interface OpenedDatabase {
  db: Database;
  close(): void;
}

export function openDatabase(path: string): OpenedDatabase {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new BetterSqlite3(path);
  try {
    // WAL lets tool reads proceed while an audit row commits; NORMAL sync is durable across
    // application crashes in WAL mode and keeps the per-call audit insert cheap.
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("busy_timeout = 5000");
    const db = drizzle(sqlite, { schema });
    migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    return { db, close: () => sqlite.close() };
  } catch (error) {
    sqlite.close();
    throw error;
  }
}

/**
 * Builds a prepared statement once per database handle: drizzle otherwise rebuilds and re-prepares
 * the SQL on every call, which costs about a hundred times the execution of a small statement.
 */
export function preparedPerExecutor<Statement>(
  build: (executor: Executor) => Statement,
): (executor: Executor) => Statement {
  const statements = new WeakMap<Executor, Statement>();
  return (executor) => {
    let statement = statements.get(executor);
    if (statement === undefined) {
      statement = build(executor);
      statements.set(executor, statement);
    }
    return statement;
  };
}
