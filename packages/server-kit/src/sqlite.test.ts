import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Executor, openSqliteDatabase, preparedPerExecutor } from "./sqlite";

const owners = sqliteTable("owners", {
  id: integer("id").primaryKey(),
  name: text("name").notNull(),
});
const pets = sqliteTable("pets", {
  id: integer("id").primaryKey(),
  ownerId: integer("owner_id")
    .notNull()
    .references(() => owners.id),
});
const schema = { owners, pets };

/** A migrations folder laid out the way drizzle-kit generates one. */
function writeMigrations(folder: string, statements: string[]): void {
  mkdirSync(join(folder, "meta"), { recursive: true });
  writeFileSync(join(folder, "0000_initial.sql"), statements.join("\n--> statement-breakpoint\n"));
  writeFileSync(
    join(folder, "meta", "_journal.json"),
    JSON.stringify({
      version: "7",
      dialect: "sqlite",
      entries: [{ idx: 0, version: "6", when: 1, tag: "0000_initial", breakpoints: true }],
    }),
  );
}

let directory: string;
let migrationsFolder: string;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "server-kit-sqlite-"));
  migrationsFolder = join(directory, "drizzle");
  writeMigrations(migrationsFolder, [
    "CREATE TABLE `owners` (`id` integer PRIMARY KEY NOT NULL, `name` text NOT NULL);",
    "CREATE TABLE `pets` (`id` integer PRIMARY KEY NOT NULL, `owner_id` integer NOT NULL REFERENCES `owners`(`id`));",
  ]);
});

afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe("openSqliteDatabase", () => {
  it("creates the file's directory, turns on WAL and foreign keys, and applies the migrations", () => {
    const { db, close } = openSqliteDatabase({
      path: join(directory, "nested", "data.sqlite"),
      schema,
      migrationsFolder,
    });
    try {
      expect(db.get(sql`PRAGMA journal_mode`)).toEqual({ journal_mode: "wal" });
      expect(db.get(sql`PRAGMA foreign_keys`)).toEqual({ foreign_keys: 1 });
      db.insert(owners).values({ id: 1, name: "Ada" }).run();
      expect(db.select().from(owners).where(eq(owners.id, 1)).get()).toEqual({
        id: 1,
        name: "Ada",
      });
    } finally {
      close();
    }
  });

  it("refuses a row that points at a missing parent (foreign keys are enforced)", () => {
    const { db, close } = openSqliteDatabase({ path: ":memory:", schema, migrationsFolder });
    try {
      expect(() => db.insert(pets).values({ id: 1, ownerId: 42 }).run()).toThrowError(
        /FOREIGN KEY/,
      );
    } finally {
      close();
    }
  });

  it("applies each migration once across restarts, keeping the data", () => {
    const path = join(directory, "data.sqlite");
    const first = openSqliteDatabase({ path, schema, migrationsFolder });
    first.db.insert(owners).values({ id: 1, name: "Ada" }).run();
    first.close();
    const second = openSqliteDatabase({ path, schema, migrationsFolder });
    try {
      expect(second.db.select().from(owners).all()).toHaveLength(1);
    } finally {
      second.close();
    }
  });

  it("closes the file when a migration fails, so no handle is left open", () => {
    const broken = join(directory, "broken");
    writeMigrations(broken, ["CREATE TABLE `owners` (`id` integer PRIMARY KEY,"]);
    const path = join(directory, "data.sqlite");
    expect(() => openSqliteDatabase({ path, schema, migrationsFolder: broken })).toThrowError();
    // SQLite removes the write-ahead log when the last connection to the file closes.
    expect(existsSync(`${path}-wal`)).toBe(false);
  });
});

describe("preparedPerExecutor", () => {
  it("prepares once per database handle and separately inside a transaction", () => {
    const { db, close } = openSqliteDatabase({ path: ":memory:", schema, migrationsFolder });
    try {
      let builds = 0;
      const countOwners = preparedPerExecutor((executor: Executor<typeof schema>) => {
        builds += 1;
        return executor.select({ count: sql<number>`count(*)` }).from(owners).prepare();
      });
      expect(countOwners(db).get()).toEqual({ count: 0 });
      expect(countOwners(db).get()).toEqual({ count: 0 });
      expect(builds).toBe(1);
      db.transaction((transaction) => {
        transaction.insert(owners).values({ id: 1, name: "Ada" }).run();
        expect(countOwners(transaction).get()).toEqual({ count: 1 });
      });
      expect(builds).toBe(2);
    } finally {
      close();
    }
  });
});
