import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**"],
    // Real processes and a real browser: starting them takes seconds, not milliseconds.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One browser and one `next start` per file; files must not compete for the two cores.
    fileParallelism: false,
  },
});
