import { defineConfig } from "vitest/config";

// Three projects, all run by `npm test`: the protocol tests on temporary SQLite files; the portable
// ones among them again on PostgreSQL; and the cross-replica tests in test/postgres. The last two
// need the shared PostgreSQL (they say "[not run]" in one line when it is missing; see
// @repo/server-kit/testing/services) and run one file at a time: each starts servers with pools of
// their own on the one shared database server.
// isolate: false runs a worker's files in one module graph, so the server code is imported once per
// worker instead of once per file (most of the run's time before). The files share no module state:
// each starts servers of its own, and none mocks a module.
const shared = { testTimeout: 30_000, hookTimeout: 30_000, isolate: false };

const PORTABLE_SUITES = [
  "test/account.test.ts",
  "test/admin-api.test.ts",
  "test/authorization-code.test.ts",
  "test/authorization-code-attacks.test.ts",
  "test/authorization-code-cimd.test.ts",
  "test/client-credentials.test.ts",
  "test/concurrency.test.ts",
  "test/dpop.test.ts",
  "test/internal-login.test.ts",
  "test/introspect.test.ts",
  "test/mcp-admin-scope.test.ts",
  "test/private-key-jwt.test.ts",
  "test/pruning.test.ts",
  "test/refresh-token-reuse.test.ts",
  "test/session-epoch.test.ts",
];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: "sqlite",
          include: ["src/**/*.test.ts", "test/**/*.test.ts"],
          exclude: ["test/postgres/**"],
          // Two files at a time, even on two cores: they mostly wait on sockets, child processes and
          // timers. Vitest's default (one worker fewer than the cores) ran them one by one there.
          maxWorkers: 2,
          // Before the PostgreSQL projects (group 1), which run one file at a time.
          sequence: { groupOrder: 0 },
        },
      },
      {
        // The protocol suites that do not open the SQLite file themselves, again on PostgreSQL (see
        // startTestAuthServer).
        test: {
          ...shared,
          name: "postgres-protocol",
          include: PORTABLE_SUITES,
          env: { AUTH_TEST_DATABASE: "postgres" },
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          ...shared,
          name: "postgres",
          include: ["test/postgres/**/*.test.ts"],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
