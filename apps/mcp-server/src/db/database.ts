// Opens the MCP server's SQLite file and brings its schema up to date with the committed migrations.
import { fileURLToPath } from "node:url";
import {
  type OpenedSqliteDatabase,
  openSqliteDatabase,
  type SqliteDatabase,
  type Executor as SqliteExecutor,
} from "@repo/server-kit/sqlite";
import * as schema from "./schema";

export type Database = SqliteDatabase<typeof schema>;
export type Executor = SqliteExecutor<typeof schema>;
export type OpenedDatabase = OpenedSqliteDatabase<typeof schema>;

const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../drizzle", import.meta.url));

export function openDatabase(path: string): OpenedDatabase {
  return openSqliteDatabase({ path, schema, migrationsFolder: MIGRATIONS_FOLDER });
}
