// The migrations check the servers run, on a fixture app whose migrations are current and on one
// whose schema was changed without generating them.
import { describe, expect, it } from "vitest";
import { describeMigrations, ungeneratedMigrations } from "../src/testing/migrations";

const CURRENT = new URL("./fixtures/app/", import.meta.url);
const DRIFTED = new URL("./fixtures/drifted-app/", import.meta.url);

describeMigrations(CURRENT);

describe.each(["sqlite", "postgres"] as const)(
  "on %s, a schema change without its migration",
  (dialect) => {
    it("is caught: drizzle-kit generates a migration for it", () => {
      const { output, added } = ungeneratedMigrations(DRIFTED, dialect);
      expect(output).not.toMatch(/No schema changes/);
      expect(added.filter((file) => file.endsWith(".sql"))).toHaveLength(1);
    });
  },
);
