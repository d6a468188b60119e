// The store API on both engines: what commits, what rolls back, and what two units of work running at
// once may see of each other. The PostgreSQL half needs a server (see src/testing/services.ts).
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openServerStore } from "../src/database";
import { isDatabaseUnavailable, isUniqueViolation, type Store } from "../src/store";
import { createTestDatabase, type TestDatabase } from "../src/testing/postgres";
import { sharedServicesForTests } from "../src/testing/services";
import * as sqliteTables from "./fixtures/app/src/db/schema";
import * as postgresTables from "./fixtures/app/src/db/schema.postgres";

type Tables = typeof postgresTables;

function open(url: string, prepare?: (store: Store<Tables>) => Promise<void>) {
  return openServerStore<Tables>({
    name: "store-test",
    appRoot: new URL("./fixtures/app/", import.meta.url),
    tables: { sqlite: sqliteTables as unknown as Tables, postgres: postgresTables },
    database: { url },
    prepare,
  });
}

const services = await sharedServicesForTests("server-kit's PostgreSQL store tests");
const engines: [string, () => Promise<{ url: string; drop(): Promise<void> }>][] = [
  ["SQLite", async () => ({ url: ":memory:", drop: async () => {} })],
];
if (services)
  engines.push(["PostgreSQL", () => createTestDatabase("store_test", services.postgresUrl)]);

describe.each(engines)("the store on %s", (_engine, createDatabase) => {
  let database: TestDatabase;
  let store: Store<Tables>;

  beforeAll(async () => {
    database = await createDatabase();
    store = await open(database.url);
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  const value = (name: string) =>
    store.run(async ({ db, tables: { counters } }) => {
      const [row] = await db.select().from(counters).where(eq(counters.name, name));
      return row?.value;
    });

  it("commits a transaction's statements together when its work resolves", async () => {
    await store.transaction(async ({ db, tables: { counters } }) => {
      await db.insert(counters).values({ name: "a", value: 1 });
      await db.update(counters).set({ value: 2 }).where(eq(counters.name, "a"));
    });
    expect(await value("a")).toBe(2);
  });

  it("rolls every statement back when the work throws halfway", async () => {
    await expect(
      store.transaction(async ({ db, tables: { counters } }) => {
        await db.insert(counters).values({ name: "b", value: 1 });
        throw new Error("halfway");
      }),
    ).rejects.toThrow("halfway");
    expect(await value("b")).toBeUndefined();
  });

  it("keeps a concurrent unit of work out of a transaction that rolls back", async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const failing = store.transaction(async ({ db, tables: { counters } }) => {
      await db.insert(counters).values({ name: "c-inside", value: 1 });
      await held;
      throw new Error("rolled back");
    });
    const outside = store.run(({ db, tables: { counters } }) =>
      db.insert(counters).values({ name: "c-outside", value: 1 }),
    );
    release();
    await expect(failing).rejects.toThrow("rolled back");
    await outside;
    expect(await value("c-inside")).toBeUndefined();
    expect(await value("c-outside")).toBe(1);
  });

  it("lets exactly one of 20 parallel compare-and-set updates win", async () => {
    await store.run(({ db, tables: { counters } }) =>
      db.insert(counters).values({ name: "cas", value: 0 }),
    );
    const attempts = await Promise.all(
      Array.from({ length: 20 }, () =>
        store.transaction(async ({ db, tables: { counters } }) => {
          const won = await db
            .update(counters)
            .set({ value: 1 })
            .where(sql`${counters.name} = 'cas' and ${counters.value} = 0`)
            .returning({ name: counters.name });
          return won.length === 1;
        }),
      ),
    );
    expect(attempts.filter(Boolean)).toHaveLength(1);
  });

  it("reports a duplicate key as a unique violation", async () => {
    await store.run(({ db, tables: { counters } }) =>
      db.insert(counters).values({ name: "dup", value: 0 }),
    );
    const error = await store
      .run(({ db, tables: { counters } }) => db.insert(counters).values({ name: "dup", value: 0 }))
      .catch((caught: unknown) => caught);
    expect(isUniqueViolation(error)).toBe(true);
  });

  it("answers a ping", async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
});

describe.runIf(services)("two replicas opening one PostgreSQL database at once", () => {
  it("migrate once and run their seed one after the other, so an idempotent seed never collides", async () => {
    const database = await createTestDatabase("store_replicas", services?.postgresUrl);
    const seeded: string[] = [];
    const seed = (replica: string) => async (store: Store<Tables>) => {
      await store.run(({ db, tables: { counters } }) =>
        db.insert(counters).values({ name: "seed", value: 1 }).onConflictDoNothing(),
      );
      seeded.push(replica);
    };
    const stores = await Promise.all([
      open(database.url, seed("one")),
      open(database.url, seed("two")),
    ]);
    try {
      expect(seeded.sort()).toEqual(["one", "two"]);
      const journal = await stores[0].run(({ db }) =>
        db.execute(sql`select count(*)::int as applied from drizzle.store_test_migrations`),
      );
      expect(journal.rows[0]).toEqual({ applied: 1 });
    } finally {
      await Promise.all(stores.map((store) => store.close()));
      await database.drop();
    }
  });
});

describe("isDatabaseUnavailable", () => {
  it("recognises node-postgres's worded failures inside drizzle's query error", () => {
    const terminated = new Error("Failed query: select 1", {
      cause: new Error("Connection terminated unexpectedly"),
    });
    expect(isDatabaseUnavailable(terminated)).toBe(true);
    const timedOut = new Error("Failed query: select 1", {
      cause: new Error("timeout exceeded when trying to connect"),
    });
    expect(isDatabaseUnavailable(timedOut)).toBe(true);
  });

  it("recognises a refused connection by its code, and leaves other errors alone", () => {
    expect(
      isDatabaseUnavailable(Object.assign(new Error("connect"), { code: "ECONNREFUSED" })),
    ).toBe(true);
    expect(isDatabaseUnavailable(new Error("Failed query", { cause: { code: "23505" } }))).toBe(
      false,
    );
    expect(isDatabaseUnavailable(new Error("something else"))).toBe(false);
  });
});
