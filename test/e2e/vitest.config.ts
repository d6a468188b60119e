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

export default defineConfig(async () => ({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", ...((await clusterSuiteCanRun()) ? [] : ["cluster.test.ts"])],
    // Real processes and a real browser: starting them takes seconds, not milliseconds.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One browser and one `next start` per file; files must not compete for the two cores.
    fileParallelism: false,
  },
}));
