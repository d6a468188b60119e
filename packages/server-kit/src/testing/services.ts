// The shared services the PostgreSQL, Redis and cluster tests need. They run in `npm test` whenever
// both answer; otherwise the test run says so in one line and leaves those files out. Under CI their
// absence is an error, so a CI run can never pass without them.
import { Socket } from "node:net";

export const POSTGRES_TEST_URL =
  process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const REDIS_TEST_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

const HOW_TO_GET_THEM =
  "docker compose -f docker-compose.cluster.yml up postgres redis, or Debian's postgresql and redis-server";

export interface SharedServices {
  postgresUrl: string;
  redisUrl: string;
}

/**
 * Resolves to the services' URLs when both accept connections. When one does not, it prints one line
 * and resolves to undefined, or throws under CI (`CI` set), where they must be there.
 */
export async function sharedServicesForTests(suite: string): Promise<SharedServices | undefined> {
  const [postgres, redis] = await Promise.all([
    reachable(POSTGRES_TEST_URL, 5432),
    reachable(REDIS_TEST_URL, 6379),
  ]);
  if (postgres && redis) return { postgresUrl: POSTGRES_TEST_URL, redisUrl: REDIS_TEST_URL };
  const missing = [
    postgres ? undefined : `PostgreSQL at ${hostOf(POSTGRES_TEST_URL)}`,
    redis ? undefined : `Redis at ${hostOf(REDIS_TEST_URL)}`,
  ]
    .filter(Boolean)
    .join(" and ");
  const line = `${suite} needs PostgreSQL and Redis, and ${missing} did not answer; start them with: ${HOW_TO_GET_THEM} (TEST_POSTGRES_URL and TEST_REDIS_URL point elsewhere).`;
  if (process.env.CI) throw new Error(`${line} CI must run it.`);
  console.warn(`[not run] ${line}`);
  return undefined;
}

function hostOf(url: string): string {
  const { hostname, port } = new URL(url);
  return `${hostname}:${port}`;
}

function reachable(url: string, defaultPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once("error", () => done(false));
    socket.connect(Number(port || defaultPort), hostname.replace(/^\[|\]$/g, ""), () => done(true));
  });
}
