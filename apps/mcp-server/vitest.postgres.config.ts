// The tests on a shared PostgreSQL server (test/postgres), part of `npm test`. One file at a time:
// each starts several servers and pools of its own, and they would otherwise compete for connections.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/postgres/**/*.test.ts"],
    fileParallelism: false,
    // One module graph for the three files (see vitest.config.ts).
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
