// The store functions on PostgreSQL: the same tests as on SQLite (test/store.test.ts), each on a fresh
// database, so what passes on one engine is known to pass on the other.
import { createTestDatabase } from "@repo/server-kit/testing/postgres";
import { sharedServicesForTests } from "@repo/server-kit/testing/services";
import { describe } from "vitest";
import { openMcpStore } from "../../src/db/database";
import { describeStore } from "../support/store-suite";

const services = await sharedServicesForTests("the MCP server's PostgreSQL store tests");

describe.runIf(services)("on PostgreSQL", () => {
  describeStore("PostgreSQL", async () => {
    const database = await createTestDatabase("mcp_store", services?.postgresUrl);
    const store = await openMcpStore({ database: { url: database.url } }).catch(
      async (error: unknown) => {
        await database.drop();
        throw error;
      },
    );
    return {
      store,
      close: async () => {
        await store.close();
        await database.drop();
      },
    };
  });
});
