// Two replicas of one auth-server deployment: two createAuthServer instances, each with its own store
// (its own pool) on one fresh PostgreSQL database, each served on a loopback port of its own, both
// under one issuer, as two processes behind a load balancer would be.
import { createTestDatabase, type TestDatabase } from "@repo/server-kit/testing/postgres";
import { type SharedServices, sharedServicesForTests } from "@repo/server-kit/testing/services";
import { afterAll, beforeAll, expect } from "vitest";
import { startTestAuthServer, type TestAuthServer } from "../support/test-server";

export const services: SharedServices | undefined = await sharedServicesForTests(
  "the auth-server's PostgreSQL replica tests",
);

export interface Deployment {
  database: TestDatabase;
  replicas: [TestAuthServer, TestAuthServer];
  /** Warnings the replicas logged. */
  warnings: string[];
}

/** The deployment's public issuer (the replicas' own addresses are behind it). */
export const ISSUER = "http://localhost:4000";

/** Starts both replicas at the same moment on an empty database. */
export async function startDeployment(
  environment: Record<string, string> = {},
  prefix = "auth_replicas",
): Promise<Deployment> {
  const database = await createTestDatabase(prefix, services?.postgresUrl);
  const warnings: string[] = [];
  const settings = { AUTH_DATABASE_URL: database.url, DATABASE_POOL_SIZE: "5", ...environment };
  try {
    // Both at the same moment, as replicas of one deployment start; one issuer for both, as behind
    // one hostname, while each listens on a port of its own.
    const start = () =>
      startTestAuthServer(settings, { issuer: ISSUER, logWarning: (line) => warnings.push(line) });
    const started = await Promise.allSettled([start(), start()]);
    const running = started.flatMap((result) =>
      result.status === "fulfilled" ? [result.value] : [],
    );
    const failed = started.find((result) => result.status === "rejected");
    if (failed) {
      await Promise.all(running.map((replica) => replica.close()));
      throw failed.reason;
    }
    return { database, replicas: running as [TestAuthServer, TestAuthServer], warnings };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

export async function stopDeployment(deployment: Deployment): Promise<void> {
  for (const replica of deployment.replicas) {
    expect(replica.serverErrors).toEqual([]);
    await replica.close();
  }
  await deployment.database.drop();
}

/** One deployment for the test file, started before the first test and checked after the last. */
export function useDeployment(environment: Record<string, string> = {}): Deployment {
  let current: Deployment | undefined;
  beforeAll(async () => {
    current = await startDeployment(environment);
  });
  afterAll(async () => {
    if (current) await stopDeployment(current);
  });
  return new Proxy({} as Deployment, {
    get: (_, property) => {
      if (!current) throw new Error("the deployment is not running (use it inside a test)");
      return Reflect.get(current, property);
    },
  });
}

/** `count` requests, alternating between the two replicas, all sent at once. */
export function acrossReplicas<R>(
  replicas: readonly [TestAuthServer, TestAuthServer],
  count: number,
  request: (replica: TestAuthServer, index: number) => Promise<R>,
): Promise<R[]> {
  return Promise.all(
    Array.from({ length: count }, (_, index) =>
      request(replicas[index % 2] as TestAuthServer, index),
    ),
  );
}
