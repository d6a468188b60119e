// The two schemas describe one database. drizzle has no dialect-neutral table builder, so SQLite's
// tables (src/db/schema.ts) and PostgreSQL's (src/db/schema.postgres.ts) are written twice; this test
// is what holds them together: the same tables, columns, types, nullability, defaults, keys and
// indexes, so store code written once behaves alike on both engines.
import { type Column, getTableName, is, Table } from "drizzle-orm";
import { getTableConfig as getPostgresTableConfig, type PgTable } from "drizzle-orm/pg-core";
import { getTableConfig as getSqliteTableConfig, type SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import * as sqliteSchema from "../src/db/schema";
import * as postgresSchema from "../src/db/schema.postgres";

/** A column's type in words both engines share; an unmapped type shows up as itself and fails. */
function neutralType(column: Column): string {
  const properties = column as unknown as Record<string, unknown>;
  switch (column.columnType) {
    case "SQLiteText":
    case "PgText":
      return "text";
    case "SQLiteInteger":
    case "PgInteger":
      return "integer";
    // SQLite's integers are 64-bit; PostgreSQL's bigint matches them (read as a JS number).
    case "PgBigInt53":
      return "integer";
    case "SQLiteTimestamp":
      return properties.mode === "timestamp_ms" ? "timestamp (ms)" : "timestamp (s)";
    case "PgTimestamp":
      return properties.precision === 3 && properties.withTimezone === true
        ? "timestamp (ms)"
        : "timestamp (other precision or no time zone)";
    case "SQLiteTextJson":
    case "PgJsonb":
      return "json";
    default:
      return column.columnType;
  }
}

function generatedKey(column: Column): boolean {
  const properties = column as unknown as Record<string, unknown>;
  return properties.autoIncrement === true || properties.generatedIdentity !== undefined;
}

function describeTable(config: {
  name: string;
  columns: Column[];
  primaryKeys: { columns: Column[] }[];
  indexes: { config: { name?: string; unique: boolean; columns: unknown[] } }[];
}) {
  return {
    name: config.name,
    columns: config.columns
      .map((column) => ({
        name: column.name,
        type: neutralType(column),
        dataType: column.dataType,
        notNull: column.notNull,
        hasDefault: column.hasDefault,
        primary: column.primary,
        generatedKey: generatedKey(column),
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    primaryKeys: config.primaryKeys.map((key) => key.columns.map((column) => column.name)),
    indexes: config.indexes
      .map((index) => ({
        name: index.config.name,
        unique: index.config.unique,
        columns: index.config.columns.map((column) => (column as Column).name),
      }))
      .sort((a, b) => String(a.name).localeCompare(String(b.name))),
  };
}

function tablesOf(schema: Record<string, unknown>): Table[] {
  return Object.values(schema)
    .filter((value): value is Table => is(value, Table))
    .sort((a, b) => getTableName(a).localeCompare(getTableName(b)));
}

const sqliteTables = tablesOf(sqliteSchema);
const postgresTables = tablesOf(postgresSchema);

describe("the SQLite and PostgreSQL schemas", () => {
  it("define the same tables", () => {
    expect(postgresTables.map(getTableName)).toEqual(sqliteTables.map(getTableName));
    expect(sqliteTables.length).toBeGreaterThan(0);
  });

  it.each(sqliteTables.map((table) => [getTableName(table), table] as const))(
    "define %s alike: columns, types, nullability, defaults, keys and indexes",
    (name, sqliteTable) => {
      const postgresTable = postgresTables.find((table) => getTableName(table) === name);
      expect(postgresTable, name).toBeDefined();
      const sqlite = describeTable(getSqliteTableConfig(sqliteTable as SQLiteTable));
      const postgres = describeTable(getPostgresTableConfig(postgresTable as PgTable));
      expect(postgres).toEqual(sqlite);
    },
  );
});
