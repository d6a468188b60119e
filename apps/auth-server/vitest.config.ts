import { defineConfig } from "vitest/config";

// Two projects, both run by `npm test`: the protocol tests on temporary SQLite files, and the
// cross-replica tests in test/postgres, which need the shared PostgreSQL (they say "[not run]" in
// one line when it is missing; see @repo/server-kit/testing/services). The PostgreSQL files run one
// at a time: each starts two servers with their own pools on the one shared database server.
const shared = { testTimeout: 30_000, hookTimeout: 30_000 };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: "sqlite",
          include: ["src/**/*.test.ts", "test/**/*.test.ts"],
          exclude: ["test/postgres/**"],
        },
      },
      {
        test: {
          ...shared,
          name: "postgres",
          include: ["test/postgres/**/*.test.ts"],
          fileParallelism: false,
        },
      },
    ],
  },
});
