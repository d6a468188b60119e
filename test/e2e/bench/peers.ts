// `npm run bench` (this workspace): ours against the peers, measured side by side in one run.
//
// Every server runs as its own process, pinned to one core when the machine has two or more, with
// this process (autocannon, the load generator) on another, so neither steals the other's CPU. Each
// row is measured REPEATS times, the rows interleaved (row A, row B, …, then A again), so a slow
// moment of the machine lands on every row rather than on one; the ratios are taken within one
// repeat and reported with their spread across repeats.
//
// Token endpoint, client credentials for one resource, ES256 JWT access tokens:
//   node-oidc-provider 9 (the best-known Node authorization server; stores nothing per token) = 1;
//   ours on SQLite and on PostgreSQL (each token's audit row committed before the answer);
//   the ceiling: Hono + jose + one better-sqlite3 insert (bench/peers/token-ceiling.ts).
// MCP `tools/call analyze_sentiment`:
//   the MCP SDK's documented stateless server, no authorization (bench/peers/sdk-stateless.ts) = 1;
//   ours with a bearer token (verification, scope check, rate limit, audit row);
//   ours refusing a call without a token (401 and its audit row);
//   ours with a DPoP-bound token and a fresh proof per call (RFC 9449), against the bearer row.
// The token endpoint also runs once with a DPoP proof per request: what binding a token costs.
// Person's flow, server side: authorize → the consent page's view → allow → code for tokens, one
//   after another (the browser and the web app's rendering excluded), p50 and p99 over PERSON_FLOWS.
// Memory: our servers' resident set after MEMORY_REQUESTS / 10 requests and after MEMORY_REQUESTS.
import { execFileSync } from "node:child_process";
import { createHash, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freeLoopbackPort } from "@repo/server-kit/free-port";
import { type ServerProcess, startServerProcess, waitFor } from "@repo/server-kit/server-process";
import { createTestDatabase, type TestDatabase } from "@repo/server-kit/testing/postgres";
import { sharedServicesForTests } from "@repo/server-kit/testing/services";
import autocannon from "autocannon";

const DURATION_SECONDS = Number(process.env.BENCH_DURATION_SECONDS ?? 8);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? "10,50").split(",").map(Number);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 2);
const MEMORY_REQUESTS = Number(process.env.BENCH_MEMORY_REQUESTS ?? 100_000);
const WARM_UP_SECONDS = 2;
const PERSON_FLOWS = Number(process.env.BENCH_PERSON_FLOWS ?? 200);

const REPOSITORY = fileURLToPath(new URL("../../../", import.meta.url));
const AUTH_SERVER_ROOT = join(REPOSITORY, "apps/auth-server");
const MCP_SERVER_ROOT = join(REPOSITORY, "apps/mcp-server");
const FOREIGN_ISSUER_ROOT = join(REPOSITORY, "test/e2e/foreign-issuer");
const PEERS_ROOT = join(REPOSITORY, "test/e2e/bench/peers");

const SCOPE = "mcp:tools:sentiment:read";
/** The seeded machine client of ours; the peers are given the same name and secret. */
const MACHINE_CLIENT = { id: "demo-batch", secret: "demo-batch-secret" };
const BASIC = `Basic ${Buffer.from(`${MACHINE_CLIENT.id}:${MACHINE_CLIENT.secret}`).toString("base64")}`;
const SENTENCE = "Acme Robotics beats revenue estimates and raises its full-year guidance.";
const ANALYZE_SENTIMENT = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "tools/call",
  params: { name: "analyze_sentiment", arguments: { text: SENTENCE } },
});
const MCP_HEADERS = {
  accept: "application/json, text/event-stream",
  "content-type": "application/json",
  "mcp-protocol-version": "2025-11-25",
};
/**
 * A DPoP key for this run and proofs made synchronously with node:crypto, because autocannon's
 * per-request hook cannot wait for jose's asynchronous signing; every request needs its own proof
 * (a fresh `jti`), so the load generator signs one per request, on its own core.
 */
const dpopKey = generateKeyPairSync("ec", { namedCurve: "P-256" });
const dpopJwk = (({ kty, crv, x, y }) => ({ kty, crv, x, y }))(
  dpopKey.publicKey.export({ format: "jwk" }),
);
function dpopProof(method: string, url: string, accessToken?: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const claims = {
    jti: randomBytes(12).toString("base64url"),
    htm: method,
    htu: url,
    iat: Math.floor(Date.now() / 1000),
    ...(accessToken === undefined
      ? {}
      : { ath: createHash("sha256").update(accessToken).digest("base64url") }),
  };
  const input = `${encode({ typ: "dpop+jwt", alg: "ES256", jwk: dpopJwk })}.${encode(claims)}`;
  const signature = sign("sha256", Buffer.from(input), {
    key: dpopKey.privateKey,
    dsaEncoding: "ieee-p1363",
  });
  return `${input}.${signature.toString("base64url")}`;
}

/** autocannon requests that each carry a new DPoP proof for `method` `url`. */
function withDpopProofs(method: string, url: string, accessToken?: string): autocannon.Options {
  return {
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          headers: { ...request.headers, dpop: dpopProof(method, url, accessToken) },
        }),
      },
    ],
  } as Partial<autocannon.Options> as autocannon.Options;
}

/** Far above what a run sends, so the limits are paid for but never refuse. */
const NO_LIMITS = {
  auth: {
    FAILED_CLIENT_AUTH_LIMIT: "100000",
    AUTHORIZATION_RATE_LIMIT: "100000",
    REGISTRATION_RATE_LIMIT: "100000",
  },
  mcp: { TOOL_RATE_LIMIT: "1000000" },
};

/** Servers on the last core, the load generator (this process) on the first. */
const CPUS = availableParallelism();
const PINNED = CPUS >= 2 && existsSync("/usr/bin/taskset");
const SERVER_CPU = PINNED ? CPUS - 1 : undefined;

interface Server {
  name: string;
  process: ServerProcess;
}

async function start(
  name: string,
  root: string,
  environment: Record<string, string>,
  readyLine: string,
  entry?: string,
): Promise<Server> {
  const server = startServerProcess(
    root,
    { HOST: "127.0.0.1", LOG_REQUESTS: "false", ...environment },
    entry,
    { cpu: SERVER_CPU },
  );
  await waitFor(
    () => server.output().includes(readyLine) || server.child.exitCode !== null,
    `${name}'s ready line`,
    60_000,
  );
  if (server.child.exitCode !== null) {
    throw new Error(`${name} exited with ${server.child.exitCode}:\n${server.output()}`);
  }
  return { name, process: server };
}

async function stop(server: Server): Promise<void> {
  const { child } = server.process;
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const forced = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await server.process.exited;
  clearTimeout(forced);
}

function residentMiB(server: Server): number {
  const status = readFileSync(`/proc/${server.process.child.pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

interface Row {
  group: "token endpoint" | "tools/call";
  name: string;
  /** The row the group's ratios are taken against. */
  baseline?: true;
  expectedStatus: number;
  options: autocannon.Options;
  verifyBody: (body: string) => boolean;
}

interface Sample {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Errors, timeouts, other statuses and failed body checks. */
  unexpected: number;
}

async function measure(row: Row, connections: number, duration: number): Promise<Sample> {
  const result = await autocannon({
    ...row.options,
    connections,
    duration,
    verifyBody: (body) => row.verifyBody(String(body ?? "")),
  });
  const otherStatuses = Object.entries(result.statusCodeStats ?? {})
    .filter(([status]) => Number(status) !== row.expectedStatus)
    .reduce((sum, [, stats]) => sum + (stats.count ?? 0), 0);
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    unexpected: result.errors + Math.max(otherStatuses, result.mismatches),
  };
}

/** `amount` requests as fast as `connections` allow; throws if any was not the expected answer. */
async function drive(row: Row, connections: number, amount: number): Promise<void> {
  const result = await autocannon({
    ...row.options,
    connections,
    amount,
    verifyBody: (body) => row.verifyBody(String(body ?? "")),
  });
  if (result.errors + result.mismatches + result.non2xx > 0 && row.expectedStatus === 200) {
    throw new Error(`${row.name}: unexpected answers while driving ${amount} requests`);
  }
}

function tokenRow(name: string, url: string, resource: string, baseline = false): Row {
  return {
    group: "token endpoint",
    name,
    ...(baseline ? { baseline: true as const } : {}),
    expectedStatus: 200,
    options: {
      url,
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: BASIC },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        resource,
        scope: SCOPE,
      }).toString(),
    },
    verifyBody: (body) => body.includes('"access_token":"ey'),
  };
}

function toolRow(name: string, url: string, token: string | undefined, baseline = false): Row {
  return {
    group: "tools/call",
    name,
    ...(baseline ? { baseline: true as const } : {}),
    expectedStatus: token === undefined && !baseline ? 401 : 200,
    options: {
      url,
      method: "POST",
      headers:
        token === undefined ? MCP_HEADERS : { ...MCP_HEADERS, authorization: `Bearer ${token}` },
      body: ANALYZE_SENTIMENT,
    },
    verifyBody:
      token === undefined && !baseline
        ? () => true
        : (body) => body.includes('"result":') && !body.includes('"isError":true'),
  };
}

async function clientCredentialsToken(
  tokenEndpoint: string,
  resource: string,
  dpop = false,
): Promise<string> {
  const response = await fetch(tokenEndpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: BASIC,
      ...(dpop ? { dpop: dpopProof("POST", tokenEndpoint) } : {}),
    },
    body: new URLSearchParams({ grant_type: "client_credentials", resource, scope: SCOPE }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (response.status !== 200 || !body.access_token) {
    throw new Error(`${tokenEndpoint} refused the token request: ${response.status}`);
  }
  return body.access_token;
}

/** The seeded web app client and person of a development auth-server (its published defaults). */
const WEB_BASIC = `Basic ${Buffer.from("web:web-client-secret").toString("base64")}`;
const PERSON = { email: "demo@example.com", password: "demo-password" };

/** The response's JSON body (none for a redirect), or an error naming the step if the status is wrong. */
async function expectJson<T = undefined>(
  response: Response,
  status: number,
  what: string,
): Promise<T> {
  if (response.status !== status) {
    throw new Error(`${what}: ${response.status} ${await response.text()}`);
  }
  return (status === 303 ? undefined : await response.json()) as T;
}

/**
 * What the web app and an MCP client send the auth-server for one person's authorization, timed
 * from /authorize to the token response. Each flow uses a client of its own (registered beforehand,
 * untimed), so a remembered consent never shortens the flow.
 */
async function personFlowLatencies(issuer: string, resource: string, count: number) {
  const form = (values: Record<string, string>) => ({
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: WEB_BASIC },
    body: new URLSearchParams(values),
  });
  const internal = await expectJson<{ access_token: string }>(
    await fetch(
      `${issuer}/token`,
      form({
        grant_type: "client_credentials",
        resource: `${issuer}/internal`,
        scope: "internal:interactions",
      }),
    ),
    200,
    "the web app's internal API token",
  );
  const api = (path: string, init: { body?: unknown; headers?: Record<string, string> } = {}) =>
    fetch(`${issuer}/internal${path}`, {
      method: init.body === undefined ? "GET" : "POST",
      headers: {
        authorization: `Bearer ${internal.access_token}`,
        ...(init.body === undefined ? {} : { "content-type": "application/json" }),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  const { user } = await expectJson<{ user: { id: string; sessionEpoch: number } }>(
    await api("/login", { body: PERSON }),
    200,
    "sign-in",
  );
  const redirectUri = "http://127.0.0.1:53682/callback";
  const clients: string[] = [];
  for (let i = 0; i < count; i++) {
    const registered = await expectJson<{ client_id: string }>(
      await fetch(`${issuer}/register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          client_name: `bench client ${i}`,
          redirect_uris: [redirectUri],
          grant_types: ["authorization_code", "refresh_token"],
          response_types: ["code"],
          token_endpoint_auth_method: "none",
        }),
      }),
      201,
      "registration",
    );
    clients.push(registered.client_id);
  }
  const latencies: number[] = [];
  for (const clientId of clients) {
    const verifier = randomBytes(32).toString("base64url");
    const started = performance.now();
    const authorization = await fetch(
      `${issuer}/authorize?${new URLSearchParams({
        response_type: "code",
        client_id: clientId,
        redirect_uri: redirectUri,
        scope: SCOPE,
        resource,
        state: "s",
        code_challenge: createHash("sha256").update(verifier).digest("base64url"),
        code_challenge_method: "S256",
      })}`,
      { redirect: "manual" },
    );
    await expectJson(authorization, 303, "/authorize");
    const interaction =
      new URL(authorization.headers.get("location") ?? "").searchParams.get("interaction") ?? "";
    const person = {
      "acting-user": user.id,
      "acting-user-session-epoch": String(user.sessionEpoch),
      "browser-binding": randomBytes(32).toString("base64url"),
    };
    await expectJson(await api(`/interactions/${interaction}`, { headers: person }), 200, "view");
    const decided = await expectJson<{ redirectTo: string }>(
      await api(`/interactions/${interaction}/consent`, {
        body: { decision: "allow" },
        headers: person,
      }),
      200,
      "consent",
    );
    const code = new URL(decided.redirectTo).searchParams.get("code") ?? "";
    const tokens = await expectJson<{ refresh_token?: string }>(
      await fetch(`${issuer}/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "authorization_code",
          code,
          code_verifier: verifier,
          redirect_uri: redirectUri,
          client_id: clientId,
          resource,
        }),
      }),
      200,
      "the code for tokens",
    );
    if (!tokens.refresh_token) throw new Error("the person's flow gave no refresh token");
    latencies.push(performance.now() - started);
  }
  const sorted = latencies.sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { count, p50Ms: at(0.5), p99Ms: at(0.99) };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

async function main(): Promise<void> {
  if (PINNED) execFileSync("taskset", ["-cp", "0", String(process.pid)], { stdio: "ignore" });
  const directory = mkdtempSync(join(tmpdir(), "bench-peers-"));
  const servers: Server[] = [];
  let database: TestDatabase | undefined;
  try {
    const [authPort, authPgPort, mcpPort, oidcPort, ceilingPort, sdkPort] = await distinctPorts(6);
    const issuer = `http://127.0.0.1:${authPort}`;
    const resource = `http://127.0.0.1:${mcpPort}/mcp`;

    servers.push(
      await start(
        "auth-server (SQLite)",
        AUTH_SERVER_ROOT,
        {
          ISSUER: issuer,
          MCP_RESOURCE: resource,
          AUTH_DATABASE_PATH: join(directory, "auth-server.sqlite"),
          ...NO_LIMITS.auth,
        },
        "auth-server: issuer",
      ),
    );
    const auth = servers[0] as Server;
    const services = await sharedServicesForTests("the PostgreSQL rows of the bench");
    let authPg: Server | undefined;
    if (services) {
      database = await createTestDatabase("bench_peers", services.postgresUrl);
      authPg = await start(
        "auth-server (PostgreSQL)",
        AUTH_SERVER_ROOT,
        {
          ISSUER: `http://127.0.0.1:${authPgPort}`,
          MCP_RESOURCE: resource,
          AUTH_DATABASE_URL: database.url,
          ...NO_LIMITS.auth,
        },
        "auth-server: issuer",
      );
      servers.push(authPg);
    }
    const mcp = await start(
      "mcp-server",
      MCP_SERVER_ROOT,
      {
        PORT: String(mcpPort),
        ISSUER: issuer,
        MCP_RESOURCE: resource,
        MCP_DATABASE_PATH: join(directory, "mcp-server.sqlite"),
        ...NO_LIMITS.mcp,
      },
      "mcp-server: MCP endpoint",
    );
    servers.push(mcp);
    servers.push(
      await start(
        "node-oidc-provider",
        FOREIGN_ISSUER_ROOT,
        {
          PORT: String(oidcPort),
          MCP_RESOURCE: resource,
          MCP_SCOPES: SCOPE,
          MACHINE_CLIENT_ID: MACHINE_CLIENT.id,
          MACHINE_CLIENT_SECRET: MACHINE_CLIENT.secret,
        },
        `issuer http://127.0.0.1:${oidcPort}`,
        "server.ts",
      ),
      await start(
        "token ceiling",
        PEERS_ROOT,
        {
          PORT: String(ceilingPort),
          DATABASE_PATH: join(directory, "ceiling.sqlite"),
          ISSUER: `http://127.0.0.1:${ceilingPort}`,
          RESOURCE: resource,
          CLIENT_ID: MACHINE_CLIENT.id,
          CLIENT_SECRET: MACHINE_CLIENT.secret,
        },
        "token-ceiling: listening",
        "token-ceiling.ts",
      ),
      await start(
        "SDK stateless server",
        PEERS_ROOT,
        { PORT: String(sdkPort) },
        "sdk-stateless: listening",
        "sdk-stateless.ts",
      ),
    );

    const token = await clientCredentialsToken(`${issuer}/token`, resource);
    const boundToken = await clientCredentialsToken(`${issuer}/token`, resource, true);
    const dpopTokenRow = tokenRow("ours, SQLite, with a DPoP proof", `${issuer}/token`, resource);
    dpopTokenRow.options = {
      ...dpopTokenRow.options,
      ...withDpopProofs("POST", `${issuer}/token`),
    };
    dpopTokenRow.verifyBody = (body) => body.includes('"token_type":"DPoP"');
    const boundCallRow = toolRow("ours, DPoP-bound token and proof", resource, boundToken);
    boundCallRow.options = {
      ...boundCallRow.options,
      headers: { ...MCP_HEADERS, authorization: `DPoP ${boundToken}` },
      ...withDpopProofs("POST", resource, boundToken),
    };
    const rows: Row[] = [
      tokenRow("node-oidc-provider", `http://127.0.0.1:${oidcPort}/token`, resource, true),
      tokenRow("ours, SQLite", `${issuer}/token`, resource),
      ...(authPg
        ? [tokenRow("ours, PostgreSQL", `http://127.0.0.1:${authPgPort}/token`, resource)]
        : []),
      dpopTokenRow,
      tokenRow(
        "Hono + jose + one SQLite insert",
        `http://127.0.0.1:${ceilingPort}/token`,
        resource,
      ),
      toolRow("MCP SDK stateless, no auth", `http://127.0.0.1:${sdkPort}/mcp`, undefined, true),
      toolRow("ours, with a bearer token", resource, token),
      boundCallRow,
      toolRow("ours, no token (401)", resource, undefined),
    ];

    console.log(
      `\nPeers, Node ${process.version}, ${CPUS} CPUs, ` +
        (PINNED
          ? `servers on CPU ${SERVER_CPU}, load on CPU 0`
          : "not pinned (one CPU or no taskset)") +
        `; ${DURATION_SECONDS} s per row at ${CONNECTIONS.join(" and ")} connections, ${REPEATS} repeats, interleaved.`,
    );
    for (const row of rows) await measure(row, Math.max(...CONNECTIONS), WARM_UP_SECONDS);

    const samples = new Map<string, Sample[]>();
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      for (const connections of CONNECTIONS) {
        for (const row of rows) {
          const key = `${row.name}@${connections}`;
          samples.set(key, [
            ...(samples.get(key) ?? []),
            await measure(row, connections, DURATION_SECONDS),
          ]);
        }
      }
    }

    const table = [];
    for (const connections of CONNECTIONS) {
      for (const row of rows) {
        const baseline = rows.find((other) => other.group === row.group && other.baseline);
        const own = samples.get(`${row.name}@${connections}`) ?? [];
        const base = samples.get(`${baseline?.name}@${connections}`) ?? [];
        const ratios = own.map(
          (sample, i) => sample.requestsPerSecond / (base[i]?.requestsPerSecond ?? 1),
        );
        table.push({
          group: row.group,
          row: row.name,
          conns: connections,
          "req/s": own.map((sample) => Math.round(sample.requestsPerSecond)).join(" / "),
          ratio: median(ratios).toFixed(2),
          spread: `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`,
          "p50 ms": median(own.map((sample) => sample.p50Ms)),
          "p99 ms": median(own.map((sample) => sample.p99Ms)),
          unexpected: own.reduce((sum, sample) => sum + sample.unexpected, 0),
        });
      }
    }
    console.table(table);

    const flows = await personFlowLatencies(issuer, resource, PERSON_FLOWS);
    console.log(
      `Person's flow on SQLite, server side (authorize → consent view → allow → token), ${flows.count} flows one after another: p50 ${flows.p50Ms.toFixed(1)} ms, p99 ${flows.p99Ms.toFixed(1)} ms.`,
    );

    // Memory with work: a server that keeps something per request grows between the two readings.
    const tenth = Math.round(MEMORY_REQUESTS / 10);
    const memory = [];
    for (const [server, row] of [
      [auth, rows[1]],
      [mcp, rows.find((row) => row.name === "ours, with a bearer token")],
    ] as const) {
      if (!row) continue;
      await drive(row, Math.max(...CONNECTIONS), tenth);
      const early = residentMiB(server);
      await drive(row, Math.max(...CONNECTIONS), MEMORY_REQUESTS - tenth);
      const late = residentMiB(server);
      memory.push({
        server: server.name,
        [`RSS after ${tenth}`]: `${early.toFixed(0)} MiB`,
        [`RSS after ${MEMORY_REQUESTS}`]: `${late.toFixed(0)} MiB`,
        growth: `${(((late - early) / early) * 100).toFixed(1)} %`,
      });
    }
    console.table(memory);

    const failed = table.filter((entry) => entry.unexpected > 0);
    if (failed.length > 0) {
      throw new Error(
        `unexpected answers in: ${failed.map((entry) => `${entry.row} @${entry.conns} (${entry.unexpected})`).join(", ")}`,
      );
    }
  } finally {
    await Promise.all(servers.map(stop));
    await database?.drop();
    rmSync(directory, { recursive: true, force: true });
  }
}

async function distinctPorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freeLoopbackPort());
  return [...ports];
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
