// The two table definitions (src/db/schema.ts for SQLite, src/db/schema.postgres.ts for PostgreSQL)
// describe one database: the same tables, columns, types, nullability, defaults, keys, foreign keys
// and indexes, and the same TypeScript row types, so store code typed against PostgreSQL's reads and
// writes the same values on SQLite.
import { type PgTable, getTableConfig as pgTableConfig } from "drizzle-orm/pg-core";
import { type SQLiteTable, getTableConfig as sqliteTableConfig } from "drizzle-orm/sqlite-core";
import { describe, expect, expectTypeOf, it } from "vitest";
import * as sqlite from "../src/db/schema";
import * as postgres from "../src/db/schema.postgres";

/** Each dialect's column class, named by the kind of value both store. */
const COLUMN_KINDS: Record<string, string> = {
  SQLiteText: "text",
  PgText: "text",
  SQLiteTextJson: "json",
  PgJsonb: "json",
  SQLiteTimestamp: "timestamp (ms)",
  PgTimestamp: "timestamp (ms)",
  SQLiteBoolean: "boolean",
  PgBoolean: "boolean",
  SQLiteInteger: "integer",
  PgInteger: "integer",
};

interface ColumnShape {
  name: string;
  kind: string;
  notNull: boolean;
  primary: boolean;
  unique: boolean;
  hasDefault: boolean;
  generated: boolean;
}

interface TableShape {
  name: string;
  columns: ColumnShape[];
  primaryKey: string[];
  foreignKeys: {
    columns: string[];
    references: string;
    foreignColumns: string[];
    onDelete: string;
  }[];
  indexes: { name: string; columns: string[]; unique: boolean }[];
}

function kindOf(columnType: string, precision?: number): string {
  const kind = COLUMN_KINDS[columnType];
  if (kind === undefined) throw new Error(`no counterpart known for column type ${columnType}`);
  // PostgreSQL timestamps keep milliseconds only at precision 3, as SQLite's epoch milliseconds do.
  if (columnType === "PgTimestamp" && precision !== 3) return `timestamp (precision ${precision})`;
  return kind;
}

const byName = <T extends { name: string }>(items: T[]) =>
  [...items].sort((a, b) => a.name.localeCompare(b.name));

function sqliteShape(table: SQLiteTable): TableShape {
  const config = sqliteTableConfig(table);
  return {
    name: config.name,
    columns: byName(
      config.columns.map((column) => ({
        name: column.name,
        kind: kindOf(column.columnType),
        notNull: column.notNull,
        primary: column.primary,
        unique: column.isUnique,
        hasDefault: column.hasDefault,
        generated: "autoIncrement" in column && column.autoIncrement === true,
      })),
    ),
    primaryKey: config.primaryKeys.flatMap((key) => key.columns.map((column) => column.name)),
    foreignKeys: config.foreignKeys.map((key) => {
      const reference = key.reference();
      return {
        columns: reference.columns.map((column) => column.name),
        references: sqliteTableConfig(reference.foreignTable).name,
        foreignColumns: reference.foreignColumns.map((column) => column.name),
        onDelete: key.onDelete ?? "no action",
      };
    }),
    indexes: byName(
      config.indexes.map((index) => ({
        name: index.config.name,
        columns: index.config.columns.map((column) => ("name" in column ? column.name : "?")),
        unique: index.config.unique,
      })),
    ),
  };
}

function postgresShape(table: PgTable): TableShape {
  const config = pgTableConfig(table);
  return {
    name: config.name,
    columns: byName(
      config.columns.map((column) => ({
        name: column.name,
        kind: kindOf(
          column.columnType,
          "precision" in column ? (column.precision as number | undefined) : undefined,
        ),
        notNull: column.notNull,
        primary: column.primary,
        unique: column.isUnique,
        // An identity column is filled by the database, as SQLite's autoincrement key is.
        hasDefault: column.hasDefault || column.generatedIdentity !== undefined,
        generated: column.generatedIdentity !== undefined,
      })),
    ),
    primaryKey: config.primaryKeys.flatMap((key) => key.columns.map((column) => column.name)),
    foreignKeys: config.foreignKeys.map((key) => {
      const reference = key.reference();
      return {
        columns: reference.columns.map((column) => column.name),
        references: pgTableConfig(reference.foreignTable).name,
        foreignColumns: reference.foreignColumns.map((column) => column.name),
        onDelete: key.onDelete ?? "no action",
      };
    }),
    indexes: byName(
      config.indexes.map((index) => ({
        name: index.config.name ?? "",
        columns: index.config.columns.map((column) =>
          "name" in column ? (column.name ?? "?") : "?",
        ),
        unique: index.config.unique,
      })),
    ),
  };
}

const sqliteTables = Object.entries(sqlite as Record<string, SQLiteTable>);
const postgresTables = Object.entries(postgres as Record<string, PgTable>);

describe("the SQLite and PostgreSQL schemas", () => {
  it("define the same tables under the same names", () => {
    expect(postgresTables.map(([name]) => name).sort()).toEqual(
      sqliteTables.map(([name]) => name).sort(),
    );
    expect(sqliteTables.length).toBeGreaterThan(0);
  });

  it.each(sqliteTables)(
    "define %s alike: columns, types, nullability, keys and indexes",
    (name, table) => {
      const counterpart = new Map(postgresTables).get(name) as PgTable;
      expect(postgresShape(counterpart)).toEqual(sqliteShape(table));
    },
  );

  it("tell the two apart where they differ (the comparison can fail)", () => {
    const users = sqliteShape(sqlite.users);
    const altered = {
      ...users,
      columns: users.columns.filter((column) => column.name !== "email"),
    };
    expect(altered).not.toEqual(postgresShape(postgres.users));
  });

  it("give store code the same row types on both engines", () => {
    expectTypeOf<typeof sqlite.users.$inferSelect>().toEqualTypeOf<
      typeof postgres.users.$inferSelect
    >();
    expectTypeOf<typeof sqlite.clients.$inferSelect>().toEqualTypeOf<
      typeof postgres.clients.$inferSelect
    >();
    expectTypeOf<typeof sqlite.signingKeys.$inferSelect>().toEqualTypeOf<
      typeof postgres.signingKeys.$inferSelect
    >();
    expectTypeOf<typeof sqlite.revokedAccessTokens.$inferSelect>().toEqualTypeOf<
      typeof postgres.revokedAccessTokens.$inferSelect
    >();
    expectTypeOf<typeof sqlite.auditEvents.$inferSelect>().toEqualTypeOf<
      typeof postgres.auditEvents.$inferSelect
    >();
    expectTypeOf<typeof sqlite.interactions.$inferSelect>().toEqualTypeOf<
      typeof postgres.interactions.$inferSelect
    >();
    expectTypeOf<typeof sqlite.consents.$inferSelect>().toEqualTypeOf<
      typeof postgres.consents.$inferSelect
    >();
    expectTypeOf<typeof sqlite.grants.$inferSelect>().toEqualTypeOf<
      typeof postgres.grants.$inferSelect
    >();
    expectTypeOf<typeof sqlite.authorizationCodes.$inferSelect>().toEqualTypeOf<
      typeof postgres.authorizationCodes.$inferSelect
    >();
    expectTypeOf<typeof sqlite.refreshTokens.$inferSelect>().toEqualTypeOf<
      typeof postgres.refreshTokens.$inferSelect
    >();
    expectTypeOf<typeof sqlite.grantAccessTokens.$inferSelect>().toEqualTypeOf<
      typeof postgres.grantAccessTokens.$inferSelect
    >();
  });
});
