// `npm run bench` (this workspace's part): what PostgreSQL, Redis and the proxy cost, as ratios against
// the embedded default measured in the same run. Two requests, each the hot path of one server: a
// client-credentials token (a signature and an audit row) and an authenticated `tools/call` (a
// verification, a limit and an audit row). Each is measured
//   1. on one process with its SQLite file and in-memory limits (the baseline, ×1),
//   2. on one replica of the cluster, straight to its port (PostgreSQL and Redis, no proxy),
//   3. through nginx with both replicas behind it,
//   4. through nginx with one replica left (the other stopped),
//   5. straight to that replica again, with the others stopped.
// On a two-core machine the load generator, nginx, PostgreSQL and the replicas share the cores, so a
// second replica cannot add throughput here; the rows say what each part costs, not how it scales.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freeLoopbackPort } from "@repo/server-kit/free-port";
import { type ServerProcess, startServerProcess, waitFor } from "@repo/server-kit/server-process";
import { sharedServicesForTests } from "@repo/server-kit/testing/services";
import autocannon from "autocannon";
import { startCluster } from "../support/cluster";

const DURATION_SECONDS = Number(process.env.BENCH_DURATION_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const BASIC = `Basic ${Buffer.from("demo-batch:demo-batch-secret").toString("base64")}`;
const AUTH_SERVER_ROOT = fileURLToPath(new URL("../../../apps/auth-server/", import.meta.url));
const MCP_SERVER_ROOT = fileURLToPath(new URL("../../../apps/mcp-server/", import.meta.url));
const NO_LIMITS = {
  auth: { FAILED_CLIENT_AUTH_LIMIT: "100000", AUTHORIZATION_RATE_LIMIT: "100000" },
  mcp: { TOOL_RATE_LIMIT: "1000000" },
};
const ANALYZE_SENTIMENT = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "tools/call",
  params: {
    name: "analyze_sentiment",
    arguments: { text: "Acme Robotics beats revenue estimates and raises its full-year guidance." },
  },
});

interface Target {
  /** Where the token requests go (an issuer's origin) and where the tool calls go (an MCP URL). */
  tokenUrl: string;
  mcpUrl: string;
  /** The token's audience: the public MCP resource, whichever address the request goes to. */
  resource: string;
}

interface Row {
  setup: string;
  token: number;
  toolCall: number;
}

async function requestsPerSecond(options: autocannon.Options, expected: number): Promise<number> {
  const result = await autocannon({
    connections: CONNECTIONS,
    duration: DURATION_SECONDS,
    ...options,
  });
  const unexpected =
    result.errors +
    Object.entries(result.statusCodeStats ?? {})
      .filter(([status]) => Number(status) !== expected)
      .reduce((sum, [, stats]) => sum + (stats.count ?? 0), 0);
  if (unexpected > 0)
    throw new Error(`${options.method} ${options.url}: ${unexpected} unexpected responses`);
  return result.requests.average;
}

async function measure(setup: string, target: Target): Promise<Row> {
  const tokenBody = `grant_type=client_credentials&resource=${encodeURIComponent(target.resource)}`;
  const tokenRequest = {
    method: "POST" as const,
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: BASIC },
    body: tokenBody,
  };
  const response = await fetch(`${target.tokenUrl}/token`, tokenRequest);
  if (response.status !== 200)
    throw new Error(`${setup}: the token request got ${response.status}`);
  const { access_token: token } = (await response.json()) as { access_token: string };
  const tokenRate = await requestsPerSecond(
    { url: `${target.tokenUrl}/token`, ...tokenRequest },
    200,
  );
  const toolCall = await requestsPerSecond(
    {
      url: target.mcpUrl,
      method: "POST",
      headers: {
        accept: "application/json, text/event-stream",
        "content-type": "application/json",
        "mcp-protocol-version": "2025-11-25",
        authorization: `Bearer ${token}`,
      },
      body: ANALYZE_SENTIMENT,
    },
    200,
  );
  return { setup, token: tokenRate, toolCall };
}

/** The embedded default: one auth-server and one MCP server, each on its own SQLite file. */
async function embedded<T>(work: (target: Target) => Promise<T>): Promise<T> {
  const directory = mkdtempSync(join(tmpdir(), "cluster-bench-"));
  const [authPort, mcpPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
  const issuer = `http://127.0.0.1:${authPort}`;
  const resource = `http://127.0.0.1:${mcpPort}/mcp`;
  const common = {
    NODE_ENV: "test",
    HOST: "127.0.0.1",
    ISSUER: issuer,
    MCP_RESOURCE: resource,
    LOG_REQUESTS: "false",
  };
  const processes: ServerProcess[] = [];
  try {
    const auth = startServerProcess(AUTH_SERVER_ROOT, {
      ...common,
      PORT: String(authPort),
      AUTH_DATABASE_PATH: join(directory, "auth.sqlite"),
      ...NO_LIMITS.auth,
    });
    processes.push(auth);
    await waitFor(() => auth.output().includes("auth-server: issuer"), "the auth-server", 30_000);
    const mcp = startServerProcess(MCP_SERVER_ROOT, {
      ...common,
      PORT: String(mcpPort),
      MCP_DATABASE_PATH: join(directory, "mcp.sqlite"),
      ...NO_LIMITS.mcp,
    });
    processes.push(mcp);
    await waitFor(
      () => mcp.output().includes("mcp-server: MCP endpoint"),
      "the MCP server",
      30_000,
    );
    return await work({ tokenUrl: issuer, mcpUrl: resource, resource });
  } finally {
    for (const server of processes) {
      server.child.kill("SIGTERM");
      await server.exited;
    }
    rmSync(directory, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const services = await sharedServicesForTests("the cluster benchmark");
  if (!services) return;
  const rows: Row[] = [];
  rows.push(await embedded((target) => measure("one process, SQLite, memory limits", target)));

  const cluster = await startCluster(services, { withoutWebApp: true, ...NO_LIMITS });
  try {
    const [auth1, auth2] = cluster.auth;
    const [mcp1, mcp2] = cluster.mcp;
    if (!auth1 || !auth2 || !mcp1 || !mcp2) throw new Error("the cluster has two replicas of each");
    rows.push(
      await measure("one replica, PostgreSQL + Redis, no proxy", {
        tokenUrl: auth1.url,
        mcpUrl: `${mcp1.url}/mcp`,
        resource: cluster.mcpUrl,
      }),
    );
    const throughProxy = {
      tokenUrl: cluster.issuer,
      mcpUrl: cluster.mcpUrl,
      resource: cluster.mcpUrl,
    };
    rows.push(await measure("nginx → two replicas", throughProxy));
    await Promise.all([auth2.kill(), mcp2.kill()]);
    rows.push(await measure("nginx → one replica (the other down)", throughProxy));
    // Row 2 again, now that the second replica of each server is gone: what the idle replicas cost.
    rows.push(
      await measure("one replica, no proxy, the others down", {
        tokenUrl: auth1.url,
        mcpUrl: `${mcp1.url}/mcp`,
        resource: cluster.mcpUrl,
      }),
    );
  } finally {
    await cluster.close();
  }

  const [baseline] = rows;
  if (!baseline) return;
  console.log(
    `\nthe cluster's cost, ${CONNECTIONS} connections × ${DURATION_SECONDS} s per cell, Node ${process.version}\n`,
  );
  console.table(
    rows.map((row) => ({
      setup: row.setup,
      "POST /token req/s": Math.round(row.token),
      "× SQLite": (row.token / baseline.token).toFixed(2),
      "tools/call req/s": Math.round(row.toolCall),
      "× SQLite ": (row.toolCall / baseline.toolCall).toFixed(2),
    })),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
