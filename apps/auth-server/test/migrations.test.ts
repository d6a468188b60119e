// The committed migrations are exactly what drizzle-kit generates from each dialect's schema:
// drizzle/ from src/db/schema.ts (SQLite), drizzle-postgres/ from src/db/schema.postgres.ts.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const APP_ROOT = fileURLToPath(new URL("..", import.meta.url));

const DIALECTS = [
  { dialect: "sqlite", schema: "./src/db/schema.ts", folder: "drizzle" },
  { dialect: "postgresql", schema: "./src/db/schema.postgres.ts", folder: "drizzle-postgres" },
];

describe.each(DIALECTS)("the $dialect migrations", ({ dialect, schema, folder }) => {
  it("have no schema change left ungenerated", () => {
    const copy = mkdtempSync(join(tmpdir(), "auth-server-migrations-"));
    try {
      cpSync(join(APP_ROOT, folder), copy, { recursive: true });
      const before = readdirSync(copy).sort();
      // drizzle-kit prefixes "./" to --out, so it must be relative to the app.
      const result = spawnSync(
        "npx",
        [
          "drizzle-kit",
          "generate",
          `--dialect=${dialect}`,
          `--schema=${schema}`,
          `--out=${relative(APP_ROOT, copy)}`,
        ],
        { cwd: APP_ROOT, encoding: "utf8" },
      );
      const output = `${result.stdout}${result.stderr}`;
      expect(output).toMatch(/No schema changes/);
      expect(readdirSync(copy).sort()).toEqual(before);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
