// `npm run bench`: throughput and memory of the token endpoint, as ratios against baselines measured in
// the same run on the same machine (absolute numbers on shared CI machines mean little).
//
// The server runs as its own process, exactly as `npm start` runs it, so the load generator does not
// share its event loop. Baselines: GET /health (Hono + Node's HTTP stack, no crypto, no database) and,
// in this process, bare jose ES256 signing (the one signature each token costs).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freeLoopbackPort } from "@repo/server-kit/free-port";
import { generateSigningKey, importSigningKey, issueAccessToken } from "@repo/tokens";
import autocannon from "autocannon";

const APP_ROOT = fileURLToPath(new URL("..", import.meta.url));
const DURATION_SECONDS = Number(process.env.BENCH_DURATION_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const MCP_RESOURCE = "http://localhost:4100/mcp";
const BASIC = `Basic ${Buffer.from("demo-batch:demo-batch-secret").toString("base64")}`;
/** The web app's client: the seeded client allowed to introspect (RFC 7662 §4). */
const WEB_BASIC = `Basic ${Buffer.from("web:web-client-secret").toString("base64")}`;

function memoryOf(child: ChildProcess): { rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMiB: kib("VmRSS") / 1024, peakMiB: kib("VmHWM") / 1024 };
}

interface Measurement {
  name: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
}

async function load(name: string, options: autocannon.Options): Promise<Measurement> {
  const result = await autocannon({
    connections: CONNECTIONS,
    duration: DURATION_SECONDS,
    ...options,
  });
  return {
    name,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx + result.errors,
  };
}

async function signingCeiling(): Promise<number> {
  const signingKey = await importSigningKey((await generateSigningKey()).privateJwk);
  const parameters = {
    signingKey,
    issuer: "http://localhost:4000",
    audience: MCP_RESOURCE,
    subject: "demo-batch",
    clientId: "demo-batch",
    scopes: ["mcp:tools:sentiment:read"],
    lifetimeSeconds: 600,
  };
  const deadline = performance.now() + 2000;
  let count = 0;
  while (performance.now() < deadline) {
    await issueAccessToken(parameters);
    count++;
  }
  return count / 2;
}

async function main(): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), "auth-server-bench-"));
  const port = await freeLoopbackPort();
  const issuer = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: APP_ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOST: "127.0.0.1",
      ISSUER: issuer,
      MCP_RESOURCE,
      AUTH_DATABASE_PATH: join(directory, "bench.sqlite"),
      LOG_REQUESTS: "false",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.stdout?.on("data", (chunk: Buffer) => {
        if (chunk.toString().includes("auth-server: issuer")) resolve();
      });
      server.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
    });
    const idle = memoryOf(server);

    const token = (await (
      await fetch(`${issuer}/token`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: BASIC },
        body: `grant_type=client_credentials&resource=${encodeURIComponent(MCP_RESOURCE)}`,
      })
    ).json()) as { access_token: string };

    const form = { "content-type": "application/x-www-form-urlencoded", authorization: BASIC };
    const measurements = [
      await load("GET /health (baseline)", { url: `${issuer}/health` }),
      await load("GET /.well-known/jwks.json", { url: `${issuer}/.well-known/jwks.json` }),
      await load("POST /token client_credentials", {
        url: `${issuer}/token`,
        method: "POST",
        headers: form,
        body: `grant_type=client_credentials&resource=${encodeURIComponent(MCP_RESOURCE)}`,
      }),
      await load("POST /introspect", {
        url: `${issuer}/introspect`,
        method: "POST",
        headers: { ...form, authorization: WEB_BASIC },
        body: `token=${token.access_token}`,
      }),
    ];
    const loaded = memoryOf(server);
    const ceiling = await signingCeiling();

    const baseline = measurements[0]?.requestsPerSecond ?? 1;
    const tokenRate =
      measurements.find((entry) => entry.name.startsWith("POST /token"))?.requestsPerSecond ?? 0;
    console.log(
      `\nauth-server, ${CONNECTIONS} connections × ${DURATION_SECONDS} s each, Node ${process.version}\n`,
    );
    console.table(
      measurements.map((entry) => ({
        endpoint: entry.name,
        "req/s": Math.round(entry.requestsPerSecond),
        "× /health": (entry.requestsPerSecond / baseline).toFixed(2),
        "p50 ms": entry.p50Ms,
        "p99 ms": entry.p99Ms,
        "non-2xx": entry.non2xx,
      })),
    );
    console.log(
      `ES256 signing alone (jose, one core, this process): ${Math.round(ceiling)}/s; ` +
        `the token endpoint reaches ${(tokenRate / ceiling).toFixed(2)}× of that.`,
    );
    console.log(
      `Server memory: ${idle.rssMiB.toFixed(0)} MiB RSS idle, ${loaded.rssMiB.toFixed(0)} MiB after load, ` +
        `peak ${loaded.peakMiB.toFixed(0)} MiB.`,
    );
    if (measurements.some((entry) => entry.non2xx > 0)) {
      throw new Error("some benchmark requests failed");
    }
  } finally {
    server.kill("SIGTERM");
    rmSync(directory, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
