import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // On PostgreSQL, run by vitest.postgres.config.ts.
    exclude: ["test/postgres/**", "**/node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // One module graph per worker: the server code is imported once per worker instead of once per
    // file (a third of the run before). The files share no module state: each starts servers and
    // databases of its own, and the one that stubs fetch puts it back after each test. One worker on
    // two cores, as before: the process and fuzz files have start-up deadlines that a second worker
    // beside the end-to-end browsers would put at risk.
    isolate: false,
  },
});
