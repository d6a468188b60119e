// The check each server runs on its committed migrations: for both engines, they are exactly what
// drizzle-kit generates from that engine's schema (DATABASE_LAYOUT), so no schema change can ship
// without the migration that makes it.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DATABASE_LAYOUT } from "../database";

/** drizzle-kit's names for the engines. */
const DRIZZLE_KIT_DIALECTS = { sqlite: "sqlite", postgres: "postgresql" } as const;

/**
 * The app's own drizzle-kit, run with node rather than npx: npx would run it from the nearest
 * package's directory, not from `appRoot`. Its package exports no path to its bin.
 */
function drizzleKitBin(appRoot: URL): string {
  const main = createRequire(new URL("package.json", appRoot)).resolve("drizzle-kit");
  return join(dirname(main), "bin.cjs");
}

/** What drizzle-kit generates anew from the schemas of the app in `appRoot`. */
export function ungeneratedMigrations(appRoot: URL, dialect: keyof typeof DATABASE_LAYOUT) {
  const root = fileURLToPath(appRoot);
  const { schema, migrations } = DATABASE_LAYOUT[dialect];
  const copy = mkdtempSync(join(tmpdir(), "migrations-"));
  try {
    cpSync(join(root, migrations), copy, { recursive: true });
    const before = readdirSync(copy).sort();
    // drizzle-kit prefixes "./" to --out, so it must be relative to the app.
    const result = spawnSync(
      process.execPath,
      [
        drizzleKitBin(appRoot),
        "generate",
        `--dialect=${DRIZZLE_KIT_DIALECTS[dialect]}`,
        `--schema=./${schema}`,
        `--out=${relative(root, copy)}`,
      ],
      { cwd: root, encoding: "utf8" },
    );
    return {
      output: `${result.stdout}${result.stderr}`,
      added: readdirSync(copy)
        .sort()
        .filter((file) => !before.includes(file)),
    };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

export function describeMigrations(appRoot: URL): void {
  describe.each(Object.keys(DATABASE_LAYOUT) as (keyof typeof DATABASE_LAYOUT)[])(
    "the %s migrations",
    (dialect) => {
      it("have no schema change left ungenerated", () => {
        const { output, added } = ungeneratedMigrations(appRoot, dialect);
        expect(output).toMatch(/No schema changes/);
        expect(added).toEqual([]);
      });
    },
  );
}
