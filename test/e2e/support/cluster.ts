// The cluster on one machine, as docker-compose.cluster.yml runs it in containers: two auth-server
// replicas and two MCP server replicas (each its own process, `node --import tsx src/main.ts`) sharing
// one PostgreSQL database per server and one Redis, the built web app, and nginx in front of all of
// them with the deployment's own template. Every URL a client uses is the proxy's.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freeLoopbackPort } from "@repo/server-kit/free-port";
import { type ServerProcess, startServerProcess, waitFor } from "@repo/server-kit/server-process";
import { createTestDatabase, type TestDatabase } from "@repo/server-kit/testing/postgres";
import type { SharedServices } from "@repo/server-kit/testing/services";
import { type Nginx, startNginx } from "./nginx";
import { startWebApp, type WebApp } from "./web-app";

const AUTH_SERVER_ROOT = fileURLToPath(new URL("../../../apps/auth-server/", import.meta.url));
const MCP_SERVER_ROOT = fileURLToPath(new URL("../../../apps/mcp-server/", import.meta.url));

export interface Replica {
  /** `auth-1`, `mcp-2`: how the replica names itself in its log lines and metrics. */
  name: string;
  /** Its own address, behind the proxy. */
  url: string;
  process: ServerProcess;
  /** Gone at once, mid-request, as a crashed or OOM-killed container goes. */
  kill(): Promise<void>;
}

export interface Cluster {
  /** The public URLs, all answered by the proxy. */
  issuer: string;
  mcpUrl: string;
  webUrl: string;
  auth: Replica[];
  mcp: Replica[];
  /** Undefined only when started `withoutWebApp`. */
  web: WebApp | undefined;
  proxy: Nginx;
  databases: { auth: TestDatabase; mcp: TestDatabase };
  secrets: { WEB_CLIENT_SECRET: string; SESSION_SECRET: string };
  /** A temporary directory removed with the cluster (nginx's files, the demo client's state). */
  directory: string;
  close(): Promise<void>;
}

export interface ClusterSettings {
  /** Leave out the web app (benchmarks of the two servers need no browser pages). */
  withoutWebApp?: boolean;
  /** Extra settings for both auth-server replicas (limits, token lifetimes). */
  auth?: Record<string, string>;
  mcp?: Record<string, string>;
}

export async function startCluster(
  services: SharedServices,
  settings: ClusterSettings = {},
): Promise<Cluster> {
  const directory = mkdtempSync(join(tmpdir(), "cluster-e2e-"));
  const closers: (() => Promise<void>)[] = [
    async () => rmSync(directory, { recursive: true, force: true }),
  ];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer().catch(() => {});
  };
  try {
    const ports = await reservePorts(8);
    const [authPublic, mcpPublic, webPublic, auth1, auth2, mcp1, mcp2, web] = ports as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const issuer = `http://127.0.0.1:${authPublic}`;
    const mcpUrl = `http://127.0.0.1:${mcpPublic}/mcp`;
    const webUrl = `http://127.0.0.1:${webPublic}`;
    // Fresh per run, so nothing depends on the published development defaults.
    const secrets = {
      WEB_CLIENT_SECRET: randomBytes(32).toString("base64url"),
      SESSION_SECRET: randomBytes(32).toString("base64url"),
    };

    const databases = {
      auth: await createTestDatabase("cluster_auth", services.postgresUrl),
      mcp: await createTestDatabase("cluster_mcp", services.postgresUrl),
    };
    closers.push(() => databases.auth.drop());
    closers.push(() => databases.mcp.drop());

    // The proxy starts first, as in production its upstreams come and go behind it.
    const proxy = await startNginx(
      join(directory, "nginx"),
      {
        AUTH_PUBLIC_PORT: String(authPublic),
        MCP_PUBLIC_PORT: String(mcpPublic),
        WEB_PUBLIC_PORT: String(webPublic),
        AUTH_REPLICA_1: `127.0.0.1:${auth1}`,
        AUTH_REPLICA_2: `127.0.0.1:${auth2}`,
        MCP_REPLICA_1: `127.0.0.1:${mcp1}`,
        MCP_REPLICA_2: `127.0.0.1:${mcp2}`,
        WEB_UPSTREAM: `127.0.0.1:${web}`,
      },
      [authPublic, mcpPublic, webPublic],
    );
    closers.push(() => proxy.close());

    // Limits in Redis outlive a test run: a prefix of its own keeps this run's counters apart.
    const redisPrefix = `cluster-test-${randomBytes(4).toString("hex")}:`;
    const shared = {
      NODE_ENV: "test",
      HOST: "127.0.0.1",
      ISSUER: issuer,
      MCP_RESOURCE: mcpUrl,
      REDIS_URL: services.redisUrl,
      REDIS_KEY_PREFIX: redisPrefix,
      TRUST_PROXY: "1",
      LOG_REQUESTS: "false",
    };
    const authEnvironment = (name: string, port: number) => ({
      ...shared,
      PORT: String(port),
      REPLICA_NAME: name,
      WEB_URL: webUrl,
      AUTH_DATABASE_URL: databases.auth.url,
      WEB_CLIENT_SECRET: secrets.WEB_CLIENT_SECRET,
      KEY_RELOAD_SECONDS: "2",
      ...settings.auth,
    });
    // Both auth-server replicas start at the same moment on the empty database: one migrates and
    // seeds, the other waits for the lock and finds the work done.
    const authReplicas = [
      startReplica(
        "auth-1",
        AUTH_SERVER_ROOT,
        authEnvironment("auth-1", auth1),
        "auth-server: issuer",
      ),
      startReplica(
        "auth-2",
        AUTH_SERVER_ROOT,
        authEnvironment("auth-2", auth2),
        "auth-server: issuer",
      ),
    ];
    closers.push(async () => {
      await Promise.all(authReplicas.map((replica) => stopReplica(replica)));
    });
    await Promise.all(authReplicas.map((replica) => replica.ready));

    const mcpEnvironment = (name: string, port: number) => ({
      ...shared,
      PORT: String(port),
      REPLICA_NAME: name,
      // The keys through the proxy, so losing one auth-server replica does not lose them.
      JWKS_URL: `${issuer}/.well-known/jwks.json`,
      MCP_DATABASE_URL: databases.mcp.url,
      ...settings.mcp,
    });
    const mcpReplicas = [
      startReplica(
        "mcp-1",
        MCP_SERVER_ROOT,
        mcpEnvironment("mcp-1", mcp1),
        "mcp-server: MCP endpoint",
      ),
      startReplica(
        "mcp-2",
        MCP_SERVER_ROOT,
        mcpEnvironment("mcp-2", mcp2),
        "mcp-server: MCP endpoint",
      ),
    ];
    closers.push(async () => {
      await Promise.all(mcpReplicas.map((replica) => stopReplica(replica)));
    });

    const webApp = settings.withoutWebApp
      ? undefined
      : await startWebApp(
          webUrl,
          {
            ISSUER: issuer,
            AUTH_INTERNAL_URL: issuer,
            MCP_RESOURCE: mcpUrl,
            TRUST_PROXY: "true",
            ...secrets,
          },
          { listenPort: web },
        );
    if (webApp) closers.push(() => webApp.close());
    await Promise.all(mcpReplicas.map((replica) => replica.ready));

    return {
      issuer,
      mcpUrl,
      webUrl,
      auth: authReplicas,
      mcp: mcpReplicas,
      web: webApp,
      proxy,
      databases,
      secrets,
      directory,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

interface StartingReplica extends Replica {
  ready: Promise<void>;
}

function startReplica(
  name: string,
  root: string,
  environment: Record<string, string>,
  readyLine: string,
): StartingReplica {
  const server = startServerProcess(root, environment);
  const killOnExit = () => server.child.kill("SIGKILL");
  process.once("exit", killOnExit);
  server.child.once("exit", () => process.off("exit", killOnExit));
  const ready = waitFor(
    () => server.output().includes(readyLine) || server.child.exitCode !== null,
    `${name}'s ready line`,
    30_000,
  ).then(() => {
    if (server.child.exitCode !== null) {
      throw new Error(`${name} exited with ${server.child.exitCode}:\n${server.output()}`);
    }
  });
  return {
    name,
    url: `http://127.0.0.1:${environment.PORT}`,
    process: server,
    ready,
    kill: async () => {
      if (server.child.exitCode !== null || server.child.signalCode !== null) return;
      server.child.kill("SIGKILL");
      await server.exited;
    },
  };
}

async function stopReplica(replica: Replica): Promise<void> {
  const { child, exited } = replica.process;
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const forced = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(forced);
}

async function reservePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freeLoopbackPort());
  return [...ports];
}
