import { existsSync } from "node:fs";
import { defineConfig } from "vitest/config";
// By path, not by package name: vitest bundles its config file with what it imports by path, while a
// package import would be loaded by plain Node, which cannot read TypeScript.
import { sharedServicesForTests } from "../../packages/server-kit/src/testing/services.ts";
import { NGINX_PATH } from "./support/nginx.ts";

/**
 * The cluster suite needs PostgreSQL, Redis and nginx. Without them it is left out and the run says
 * so in one line (sharedServicesForTests prints it for the databases); under CI it fails instead.
 */
async function clusterSuiteCanRun(): Promise<boolean> {
  const services = await sharedServicesForTests("the cluster suite (test/e2e/cluster.test.ts)");
  if (!services) return false;
  if (existsSync(NGINX_PATH)) return true;
  const line = `the cluster suite (test/e2e/cluster.test.ts) needs nginx at ${NGINX_PATH}: apt-get install nginx-light, or NGINX_PATH=… for another one.`;
  if (process.env.CI) throw new Error(`${line} CI must run it.`);
  console.warn(`[not run] ${line}`);
  return false;
}

/**
 * `npm run demo` runs `next build` through turbo, which rewrites the .next directory that every other
 * browser file's `next start` serves from: it runs alone, first, while the unit suites of the other
 * workspaces still fill both cores.
 */
const ALONE = "demo-command.test.ts";

// Real processes and a real browser: starting them takes seconds, not milliseconds.
// isolate: false: one module graph per worker, so the auth-server, Playwright and the MCP SDK are
// imported once per worker rather than once per file. The support modules keep no state of their
// own; each file starts, and stops, its own servers and browser.
const shared = { testTimeout: 60_000, hookTimeout: 60_000, isolate: false };

export default defineConfig(async () => {
  const cluster = await clusterSuiteCanRun();
  return {
    test: {
      projects: [
        {
          test: { ...shared, name: "alone", include: [ALONE], sequence: { groupOrder: 0 } },
        },
        {
          test: {
            ...shared,
            name: "two-at-a-time",
            include: ["**/*.test.ts"],
            exclude: ["node_modules/**", ALONE, ...(cluster ? [] : ["cluster.test.ts"])],
            // Two files at a time, each with its own servers, `next start` and browser on ports of
            // its own: most of a file's time is spent waiting on those processes and on the browser.
            maxWorkers: 2,
            sequence: { groupOrder: 1 },
          },
        },
      ],
    },
  };
});
