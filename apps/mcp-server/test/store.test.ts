// The store functions on SQLite, the default engine; test/postgres/store.test.ts runs them on PostgreSQL.
import { openMcpStore } from "../src/db/database";
import { describeStore } from "./support/store-suite";

describeStore("SQLite", async () => {
  const store = await openMcpStore({ database: { url: ":memory:" } });
  return { store, close: () => store.close() };
});
