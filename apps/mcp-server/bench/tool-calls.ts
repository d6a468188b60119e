// `npm run bench`: throughput and memory of MCP tool calls, as ratios against baselines measured in
// the same run on the same machine (absolute numbers on shared CI machines mean little).
//
// A real auth-server and a real MCP server run as their own processes, exactly as `npm start` runs
// them, so the load generator shares neither's event loop; the token is a real client-credentials
// token for demo-batch. Baselines: GET /health over HTTP (Hono + Node's HTTP stack + one trivial
// SQLite read) and, in this process, one ES256 verification with jose against the verifier's cache,
// and the MCP endpoint driven through `app.request` against the sentiment engine alone.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { analyzeSentiment, NEWS_DATASET } from "@repo/sentiment";
import { freeLoopbackPort } from "@repo/server-kit/free-port";
import {
  type AccessTokenKeySource,
  createAccessTokenVerifier,
  createLocalKeySet,
  verifyAccessToken,
} from "@repo/tokens";
import autocannon from "autocannon";
import type { JWK } from "jose";
import { loadConfig } from "../src/config";
import { createMcpResourceServer } from "../src/server";

const MCP_SERVER_ROOT = fileURLToPath(new URL("..", import.meta.url));
const AUTH_SERVER_ROOT = fileURLToPath(new URL("../../auth-server", import.meta.url));
const DURATION_SECONDS = Number(process.env.BENCH_DURATION_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
/** How long each in-process measurement runs, one call at a time, after its warm-up. */
const IN_PROCESS_MS = 2000;
const IN_PROCESS_WARM_UP_MS = 500;
const BASIC = `Basic ${Buffer.from("demo-batch:demo-batch-secret").toString("base64")}`;
/** Far above what one client sends in a run, so the limiter is measured but never refuses. */
const TOOL_RATE_LIMIT = "1000000";
const PROTOCOL_VERSION = "2025-11-25";

const SENTENCE = "Acme Robotics beats revenue estimates and raises its full-year guidance.";
const TICKER = NEWS_DATASET.companies[0]?.ticker ?? "";

function memoryOf(child: ChildProcess): { rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMiB: kib("VmRSS") / 1024, peakMiB: kib("VmHWM") / 1024 };
}

/** `node --import tsx src/main.ts` in `cwd`, resolved once its start-up line is on stdout. */
function startServer(
  cwd: string,
  environment: Record<string, string>,
  readyLine: string,
): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", LOG_REQUESTS: "false", ...environment },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const ready = new Promise<void>((resolve, reject) => {
    let output = "";
    // Kept attached after start-up, so the pipe is always drained.
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(readyLine)) resolve();
    });
    child.once("exit", (code) => reject(new Error(`${readyLine} exited with ${code}`)));
  });
  return { child, ready };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timeout = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timeout);
}

const MCP_HEADERS = {
  accept: "application/json, text/event-stream",
  "content-type": "application/json",
  "mcp-protocol-version": PROTOCOL_VERSION,
};

function toolsCall(name: string, args: Record<string, unknown>): string {
  return JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: { name, arguments: args },
  });
}

const TOOLS_LIST = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} });
const ANALYZE_SENTIMENT = toolsCall("analyze_sentiment", { text: SENTENCE });
const TICKER_SENTIMENT = toolsCall("get_ticker_sentiment", { ticker: TICKER });

/** A JSON-RPC result that is not a tool error; substring checks keep the load generator cheap. */
function isJsonRpcSuccess(body: string): boolean {
  return body.includes('"result":') && !body.includes('"isError":true');
}

interface Scenario {
  name: string;
  expectedStatus: number;
  options: autocannon.Options;
  /** Responses with the expected status must also pass this, else they count as unexpected. */
  verifyBody?: (body: string) => boolean;
}

interface Measurement {
  name: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Connection errors, timeouts, any other status than the expected one, and failed body checks. */
  unexpected: number;
}

async function load(scenario: Scenario): Promise<Measurement> {
  const { verifyBody } = scenario;
  const result = await autocannon({
    connections: CONNECTIONS,
    duration: DURATION_SECONDS,
    ...scenario.options,
    ...(verifyBody ? { verifyBody: (body) => verifyBody(String(body ?? "")) } : {}),
  });
  const otherStatuses = Object.entries(result.statusCodeStats ?? {})
    .filter(([status]) => Number(status) !== scenario.expectedStatus)
    .reduce((sum, [, stats]) => sum + (stats.count ?? 0), 0);
  return {
    name: scenario.name,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    // autocannon counts timeouts among errors. A response with another status fails the body check
    // too (an error body holds no JSON-RPC result), so the larger count is the one to add.
    unexpected: result.errors + Math.max(otherStatuses, result.mismatches),
  };
}

/** Sequential calls for IN_PROCESS_MS: calls per second on one core, no concurrency. */
async function callsPerSecond(call: () => unknown): Promise<number> {
  // Warm-up: the JIT, the verifier's cache, prepared statements.
  const warm = performance.now() + IN_PROCESS_WARM_UP_MS;
  while (performance.now() < warm) await call();
  const started = performance.now();
  const deadline = started + IN_PROCESS_MS;
  let count = 0;
  while (performance.now() < deadline) {
    await call();
    count++;
  }
  return count / ((performance.now() - started) / 1000);
}

function microseconds(perSecond: number): string {
  return `${(1_000_000 / perSecond).toFixed(1)} µs`;
}

interface InProcessResults {
  uncachedVerify: number;
  cachedVerify: number;
  health: number;
  toolsList: number;
  analyzeSentimentCall: number;
  engineAlone: number;
}

/**
 * The same work without sockets: jose against the verifier's cache on the real token, and the MCP
 * app (built as the server process builds it) through `app.request`, against the engine alone.
 */
async function inProcess(
  issuer: string,
  resource: string,
  token: string,
  directory: string,
): Promise<InProcessResults> {
  const jwks = (await (await fetch(`${issuer}/.well-known/jwks.json`)).json()) as { keys: JWK[] };
  const keys: AccessTokenKeySource = createLocalKeySet(jwks);
  const verifyOptions = { issuer, audience: resource, keys };
  const verifier = createAccessTokenVerifier(verifyOptions);
  const uncachedVerify = await callsPerSecond(() => verifyAccessToken(token, verifyOptions));
  const cachedVerify = await callsPerSecond(() => verifier.verify(token));

  const serverErrors: unknown[] = [];
  const config = loadConfig({
    MCP_RESOURCE: resource,
    ISSUER: issuer,
    MCP_DATABASE_PATH: join(directory, "in-process.sqlite"),
    TOOL_RATE_LIMIT,
    LOG_REQUESTS: "false",
  });
  const instance = await createMcpResourceServer(config, {
    keys,
    reportError: (error) => serverErrors.push(error),
  });
  try {
    const mcpPath = new URL(resource).pathname;
    const request = async (path: string, init: RequestInit, verify: (body: string) => boolean) => {
      const response = await instance.app.request(path, init);
      const body = await response.text();
      if (response.status !== 200 || !verify(body)) {
        throw new Error(`in-process ${path} answered ${response.status}: ${body.slice(0, 200)}`);
      }
    };
    const post = (body: string): RequestInit => ({
      method: "POST",
      headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` },
      body,
    });
    const results: InProcessResults = {
      uncachedVerify,
      cachedVerify,
      health: await callsPerSecond(() => request("/health", {}, () => true)),
      toolsList: await callsPerSecond(() =>
        request(mcpPath, post(TOOLS_LIST), (body) => body.includes('"tools":')),
      ),
      analyzeSentimentCall: await callsPerSecond(() =>
        request(mcpPath, post(ANALYZE_SENTIMENT), isJsonRpcSuccess),
      ),
      engineAlone: await callsPerSecond(() => analyzeSentiment(SENTENCE)),
    };
    if (serverErrors.length > 0) {
      throw new Error(`the in-process MCP server reported errors: ${String(serverErrors[0])}`);
    }
    return results;
  } finally {
    await instance.close();
  }
}

async function main(): Promise<void> {
  if (TICKER === "") throw new Error("the news dataset has no companies");
  const directory = mkdtempSync(join(tmpdir(), "mcp-server-bench-"));
  const authPort = await freeLoopbackPort();
  let mcpPort = await freeLoopbackPort();
  while (mcpPort === authPort) mcpPort = await freeLoopbackPort();
  const issuer = `http://127.0.0.1:${authPort}`;
  const resource = `http://127.0.0.1:${mcpPort}/mcp`;
  const auth = startServer(
    AUTH_SERVER_ROOT,
    {
      ISSUER: issuer,
      MCP_RESOURCE: resource,
      AUTH_DATABASE_PATH: join(directory, "auth-server.sqlite"),
    },
    "auth-server: issuer",
  );
  const mcp = startServer(
    MCP_SERVER_ROOT,
    {
      ISSUER: issuer,
      MCP_RESOURCE: resource,
      MCP_DATABASE_PATH: join(directory, "mcp-server.sqlite"),
      TOOL_RATE_LIMIT,
    },
    "mcp-server: MCP endpoint",
  );
  try {
    await Promise.all([auth.ready, mcp.ready]);
    const idle = memoryOf(mcp.child);

    const tokenResponse = await fetch(`${issuer}/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: BASIC },
      body: `grant_type=client_credentials&resource=${encodeURIComponent(resource)}`,
    });
    if (tokenResponse.status !== 200) {
      throw new Error(`the auth-server refused the token request: ${tokenResponse.status}`);
    }
    const { access_token: token } = (await tokenResponse.json()) as { access_token: string };

    const health = `${new URL(resource).origin}/health`;
    const authorized = { ...MCP_HEADERS, authorization: `Bearer ${token}` };
    const scenarios: Scenario[] = [
      { name: "GET /health (baseline)", expectedStatus: 200, options: { url: health } },
      {
        name: "POST /mcp tools/list",
        expectedStatus: 200,
        options: { url: resource, method: "POST", headers: authorized, body: TOOLS_LIST },
        verifyBody: (body) => body.includes('"tools":'),
      },
      {
        name: "POST /mcp analyze_sentiment",
        expectedStatus: 200,
        options: { url: resource, method: "POST", headers: authorized, body: ANALYZE_SENTIMENT },
        verifyBody: isJsonRpcSuccess,
      },
      {
        name: `POST /mcp get_ticker_sentiment ${TICKER}`,
        expectedStatus: 200,
        options: { url: resource, method: "POST", headers: authorized, body: TICKER_SENTIMENT },
        verifyBody: isJsonRpcSuccess,
      },
      {
        // A tools/call, not tools/list: a refused call still writes one audit row, so this is the
        // most an unauthenticated request can cost the server.
        name: "POST /mcp no token (401)",
        expectedStatus: 401,
        options: { url: resource, method: "POST", headers: MCP_HEADERS, body: ANALYZE_SENTIMENT },
      },
    ];
    const measurements: Measurement[] = [];
    for (const scenario of scenarios) measurements.push(await load(scenario));
    const loaded = memoryOf(mcp.child);
    const local = await inProcess(issuer, resource, token, directory);

    const baseline = measurements[0]?.requestsPerSecond ?? 1;
    console.log(
      `\nmcp-server, ${CONNECTIONS} connections × ${DURATION_SECONDS} s each, Node ${process.version}\n`,
    );
    console.table(
      measurements.map((entry) => ({
        request: entry.name,
        "req/s": Math.round(entry.requestsPerSecond),
        "× /health": (entry.requestsPerSecond / baseline).toFixed(2),
        "p50 ms": entry.p50Ms,
        "p99 ms": entry.p99Ms,
        unexpected: entry.unexpected,
      })),
    );
    console.log(
      `In this process, one call at a time:\n` +
        `  ES256 verifyAccessToken (jose) ${microseconds(local.uncachedVerify)} per call; ` +
        `the cached verifier ${microseconds(local.cachedVerify)}: ` +
        `${(local.cachedVerify / local.uncachedVerify).toFixed(1)}× the calls per second.\n` +
        `  app.request: GET /health ${microseconds(local.health)}, ` +
        `tools/list ${microseconds(local.toolsList)} (${(local.toolsList / local.health).toFixed(2)}× /health), ` +
        `tools/call analyze_sentiment ${microseconds(local.analyzeSentimentCall)} ` +
        `(${(local.analyzeSentimentCall / local.health).toFixed(2)}× /health).\n` +
        `  analyzeSentiment() alone ${microseconds(local.engineAlone)}: ` +
        `${((100 * local.analyzeSentimentCall) / local.engineAlone).toFixed(1)}% of the tool call's time.`,
    );
    console.log(
      `MCP server memory: ${idle.rssMiB.toFixed(0)} MiB RSS idle, ${loaded.rssMiB.toFixed(0)} MiB after load, ` +
        `peak ${loaded.peakMiB.toFixed(0)} MiB.`,
    );
    const failed = measurements.filter((entry) => entry.unexpected > 0);
    if (failed.length > 0) {
      throw new Error(
        `unexpected responses in: ${failed.map((entry) => `${entry.name} (${entry.unexpected})`).join(", ")}`,
      );
    }
  } finally {
    await Promise.all([stop(auth.child), stop(mcp.child)]);
    rmSync(directory, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
