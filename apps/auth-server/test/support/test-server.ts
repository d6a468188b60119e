// A real auth-server for protocol tests: real HTTP on an ephemeral loopback port, a temporary SQLite file.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, type TestDatabase } from "@repo/server-kit/testing/postgres";
import { sharedServicesForTests } from "@repo/server-kit/testing/services";
import { listenOnLoopback, usePerTestFile } from "@repo/server-kit/testing/test-server";
import { expect } from "vitest";
import { loadConfig } from "../../src/config";
import type { ScryptCost } from "../../src/security/passwords";
import { type AuthServerInstance, createAuthServer } from "../../src/server";

export const DEMO_BATCH = { clientId: "demo-batch", clientSecret: "demo-batch-secret" } as const;
export const MCP_RESOURCE = "http://localhost:4100/mcp";
/** A deployment's own public key for demo-batch-jwt, in place of the published development key. */
export const DEPLOYMENT_JWT_CLIENT_PUBLIC_KEY = JSON.stringify({
  kty: "EC",
  crv: "P-256",
  x: "zwW6tABxPuLPLd4aZ3oZBpkww33IR78qg6uKIMvsFHU",
  y: "NEuEXk9lHuy5Puo8w2VUg9fRR6twJOBB6hu4MdeYbPk",
});

/**
 * The scrypt cost of the passwords a test server hashes: 1 MiB and a few milliseconds per hash. Each
 * start seeds two demo users and a decoy hash, and at OWASP's cost (half a second of CPU each here)
 * seeding was most of the test suites' time. test/password-hash-cost.test.ts holds every other
 * server to OWASP's cost.
 */
export const TEST_PASSWORD_HASH_COST: ScryptCost = { N: 2 ** 10, r: 8, p: 1 };

export interface TestAuthServer {
  issuer: string;
  url(path: string): string;
  instance: AuthServerInstance;
  databasePath: string;
  /** Unexpected errors the server reported (each would have been a 500). */
  serverErrors: unknown[];
  /** Moves the server's clock forward, for expiry and key-rotation tests. */
  advanceClock(seconds: number): void;
  close(): Promise<void>;
}

export interface TestAuthServerOptions {
  /**
   * The issuer to serve under, when it is not this server's own address: replicas of one deployment
   * (test/postgres) share one issuer while each listens on a port of its own.
   */
  issuer?: string;
  /** Told about warnings the server logs (a database that went away); console.warn otherwise. */
  logWarning?: (line: string) => void;
  /** Tests against a shared Redis give each run its own key prefix. */
  limitKeyPrefix?: string;
}

/**
 * AUTH_TEST_DATABASE=postgres (the "postgres-protocol" vitest project) runs the protocol suites that
 * do not open the SQLite file themselves on a fresh PostgreSQL database per server, so the same
 * tests hold the store code to the same behaviour on both engines.
 */
const onPostgres =
  process.env.AUTH_TEST_DATABASE === "postgres"
    ? await sharedServicesForTests("the auth-server's protocol tests on PostgreSQL")
    : undefined;

export async function startTestAuthServer(
  environment: Record<string, string> = {},
  options: TestAuthServerOptions = {},
): Promise<TestAuthServer> {
  let postgres: TestDatabase | undefined;
  if (onPostgres && environment.AUTH_DATABASE_URL === undefined) {
    postgres = await createTestDatabase("auth_protocol", onPostgres.postgresUrl);
    environment = { ...environment, AUTH_DATABASE_URL: postgres.url };
  }
  const directory = mkdtempSync(join(tmpdir(), "auth-server-test-"));
  const databasePath = join(directory, "auth-server.sqlite");
  // The issuer must name the real port, so bind first and attach the app once it exists.
  const listener = await listenOnLoopback();
  const ownUrl = listener.origin;
  const issuer = options.issuer ?? ownUrl;
  const serverErrors: unknown[] = [];
  let offsetMs = 0;
  try {
    const config = loadConfig({
      NODE_ENV: "test",
      ISSUER: issuer,
      MCP_RESOURCE,
      AUTH_DATABASE_PATH: databasePath,
      LOG_REQUESTS: "false",
      REGISTRATION_RATE_LIMIT: "10000",
      FAILED_CLIENT_AUTH_LIMIT: "10000",
      AUTHORIZATION_RATE_LIMIT: "10000",
      ...environment,
    });
    const instance = await createAuthServer(config, {
      clock: () => new Date(Date.now() + offsetMs),
      reportError: (error) => serverErrors.push(error),
      limitKeyPrefix: options.limitKeyPrefix,
      logWarning: options.logWarning,
      passwordHashCost: TEST_PASSWORD_HASH_COST,
    });
    listener.attach(instance.app);
    // The engine the run asked for, not a silent fallback to the SQLite file.
    expect(instance.server.store.dialect).toBe(
      environment.AUTH_DATABASE_URL === undefined ? "sqlite" : "postgres",
    );
    return {
      issuer,
      url: (path) => `${ownUrl}${path}`,
      instance,
      databasePath,
      serverErrors,
      advanceClock: (seconds) => {
        offsetMs += seconds * 1000;
      },
      close: async () => {
        await listener.close();
        await instance.close();
        rmSync(directory, { recursive: true, force: true });
        await postgres?.drop();
      },
    };
  } catch (error) {
    await listener.close();
    rmSync(directory, { recursive: true, force: true });
    await postgres?.drop();
    throw error;
  }
}

export function basicAuthorization(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, "+");
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString("base64")}`;
}

export function form(parameters: Record<string, string> | [string, string][]): {
  headers: Record<string, string>;
  body: string;
} {
  return {
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(parameters).toString(),
  };
}

/** POST /token for the seeded demo-batch client with client_secret_basic. */
export async function requestClientCredentialsToken(
  server: TestAuthServer,
  parameters: Record<string, string> = { resource: MCP_RESOURCE },
  credentials: { clientId: string; clientSecret: string } = DEMO_BATCH,
  headers: ConstructorParameters<typeof Headers>[0] = {},
): Promise<Response> {
  const request = form({ grant_type: "client_credentials", ...parameters });
  const all = new Headers(headers);
  all.set("Content-Type", request.headers["Content-Type"] ?? "");
  all.set("Authorization", basicAuthorization(credentials.clientId, credentials.clientSecret));
  return fetch(server.url("/token"), {
    method: "POST",
    headers: all,
    body: request.body,
  });
}

/** A parsed JSON body whose members the test then asserts on, one by one. */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON and assert its shape explicitly.
export type JsonBody = Record<string, any>;

export async function json(response: Response | Promise<Response>): Promise<JsonBody> {
  return (await (await response).json()) as JsonBody;
}

/**
 * One server for the whole test file: started before the first test, closed after the last, and
 * checked to have reported no unexpected errors (each would have been a 500). The returned object
 * forwards to the running server, so tests read `server.url(…)` as if it were the server itself.
 */
export function useTestAuthServer(environment: Record<string, string> = {}): TestAuthServer {
  return usePerTestFile(
    "the test auth-server",
    () => startTestAuthServer(environment),
    async (server) => {
      expect(server.serverErrors).toEqual([]);
      await server.close();
    },
  );
}

/** POST /register with a JSON body, as an MCP client does. */
export function registerClient(server: TestAuthServer, metadata: unknown): Promise<Response> {
  return fetch(server.url("/register"), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: typeof metadata === "string" ? metadata : JSON.stringify(metadata),
  });
}

/** A loopback port nothing listens on: a Redis or database that is down. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
