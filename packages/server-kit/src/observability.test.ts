// Request ids, request log lines and metrics, on a small Hono app served over real HTTP on loopback.
import { connect } from "node:net";
import type { ServerType } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { observabilitySettings } from "./environment";
import { clientAddress, listen } from "./listen";
import { createLogger } from "./logger";
import { METRICS_PATH, type MetricsListener, ServerMetrics, serveMetrics } from "./metrics";
import { currentRequestId } from "./request-context";
import { REQUEST_ID_HEADER, requestIdentity } from "./request-id";
import { observeRequests } from "./request-log";

type LogLine = Record<string, unknown>;

let lines: LogLine[] = [];
const destination = { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) };

function testApp(metrics: ServerMetrics, logRequests = true) {
  const logger = createLogger({ service: "test-server", replica: "replica-a", destination });
  const app = new Hono();
  app.use(requestIdentity());
  app.use(observeRequests({ logger, logRequests, metrics, clientAddress }));
  app.get("/items/:id", (c) => {
    logger.info("inside the handler");
    return c.json({ id: c.req.param("id"), requestId: currentRequestId() ?? null });
  });
  app.post("/limited", (c) => c.json({ error: "slow_down" }, 429));
  app.get("/raw", () => new Response("raw", { status: 202 }));
  app.get("/fails", () => {
    throw new Error("boom");
  });
  app.onError((_, c) => c.json({ error: "server_error" }, 500));
  return app;
}

let server: ServerType;
let base = "";
let port = 0;
let metrics: ServerMetrics;

beforeAll(async () => {
  metrics = new ServerMetrics({ replica: "replica-a" });
  ({ server, port } = await listen(testApp(metrics), "127.0.0.1", 0));
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  lines = [];
});

function requestLines(): LogLine[] {
  return lines.filter((line) => line.msg === "request");
}

/** The value of one series, whatever order prom-client writes its labels in. */
async function sample(
  metrics: ServerMetrics,
  name: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  for (const metric of await metrics.registry.getMetricsAsJSON()) {
    for (const value of metric.values) {
      const series = (value as { metricName?: string }).metricName ?? metric.name;
      if (series !== name) continue;
      if (Object.entries(labels).every(([key, wanted]) => String(value.labels[key]) === wanted)) {
        return value.value;
      }
    }
  }
  return undefined;
}

/** One request over a raw socket, so a test can send bytes that fetch refuses to. */
function rawRequest(head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.end(head));
    let answer = "";
    socket.on("data", (chunk) => {
      answer += chunk;
    });
    socket.on("end", () => resolve(answer));
    socket.on("error", reject);
  });
}

describe("request ids", () => {
  it("keeps a well-formed X-Request-Id from the proxy, echoes it, and logs it on every line", async () => {
    const id = "4f1c2a9be3d94c0f8a7b6c5d4e3f2a1b";
    const response = await fetch(`${base}/items/7`, { headers: { [REQUEST_ID_HEADER]: id } });
    expect(response.headers.get(REQUEST_ID_HEADER)).toBe(id);
    expect(await response.json()).toEqual({ id: "7", requestId: id });
    expect(lines.map((line) => [line.msg, line.requestId])).toEqual([
      ["inside the handler", id],
      ["request", id],
    ]);
  });

  it("makes one up when the request has none, on responses the handler built itself too", async () => {
    const response = await fetch(`${base}/raw`);
    const id = response.headers.get(REQUEST_ID_HEADER);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(requestLines()[0]?.requestId).toBe(id);
  });

  it("gives each request its own id, even when concurrent", async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => fetch(`${base}/items/${i}`).then((r) => r.json())),
    );
    const ids = answers.map((answer) => (answer as { requestId: string }).requestId);
    expect(new Set(ids).size).toBe(20);
  });

  it("log injection: an X-Request-Id forging a log field is replaced, never echoed or logged", async () => {
    const forged = 'x","level":"fatal","msg":"forged';
    const response = await fetch(`${base}/items/1`, { headers: { [REQUEST_ID_HEADER]: forged } });
    const id = response.headers.get(REQUEST_ID_HEADER);
    expect(id).not.toBe(forged);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(lines)).not.toContain("forged");
    expect(lines.every((line) => line.requestId === id)).toBe(true);
  });

  it("log injection: a folded X-Request-Id carrying a second line never reaches a line", async () => {
    // Obsolete line folding (RFC 9112 §5.2) is the one way a header value spans lines on the wire.
    const answer = await rawRequest(
      `GET /items/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: abc\r\n {"level":"fatal","msg":"forged"}\r\nConnection: close\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 (200|400) /);
    expect(answer).not.toContain("forged");
    expect(JSON.stringify(lines)).not.toContain("forged");
  });

  it("oversized id: a 10 kB X-Request-Id is replaced, never echoed or logged", async () => {
    const huge = "a".repeat(10 * 1024);
    const response = await fetch(`${base}/items/1`, { headers: { [REQUEST_ID_HEADER]: huge } });
    expect(response.headers.get(REQUEST_ID_HEADER)).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(lines)).not.toContain("a".repeat(129));
  });

  it("takes ids of up to 128 characters and no more", async () => {
    const longest = "b".repeat(128);
    const kept = await fetch(`${base}/items/1`, { headers: { [REQUEST_ID_HEADER]: longest } });
    expect(kept.headers.get(REQUEST_ID_HEADER)).toBe(longest);
    const tooLong = `${longest}b`;
    const cut = await fetch(`${base}/items/1`, { headers: { [REQUEST_ID_HEADER]: tooLong } });
    expect(cut.headers.get(REQUEST_ID_HEADER)).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("request log lines", () => {
  it("are JSON with the method, the path without its query, status, duration, address and replica", async () => {
    await fetch(`${base}/items/42?code=secret-authorization-code&state=xyz`, {
      headers: { Authorization: "Bearer secret-access-token", Cookie: "session=secret-cookie" },
    });
    const [line] = requestLines();
    expect(line).toMatchObject({
      level: "info",
      service: "test-server",
      replica: "replica-a",
      method: "GET",
      path: "/items/42",
      status: 200,
      clientAddress: "127.0.0.1",
    });
    expect(typeof line?.durationMs).toBe("number");
    expect(new Date(String(line?.time)).toISOString()).toBe(line?.time);
    const everything = JSON.stringify(lines);
    for (const secret of ["secret-authorization-code", "secret-access-token", "secret-cookie"]) {
      expect(everything).not.toContain(secret);
    }
  });

  it("redact secrets handed to the logger by mistake", () => {
    const logger = createLogger({ service: "test-server", replica: "replica-a", destination });
    logger.info({ password: "hunter22", client: { client_secret: "s3cret" } }, "oops");
    expect(JSON.stringify(lines)).not.toMatch(/hunter22|s3cret/);
  });

  it("are not written when LOG_REQUESTS is off, while the metrics still count", async () => {
    const quiet = new ServerMetrics({ replica: "quiet" });
    const { server: quietServer, port: quietPort } = await listen(
      testApp(quiet, false),
      "127.0.0.1",
      0,
    );
    try {
      await fetch(`http://127.0.0.1:${quietPort}/items/1`);
      expect(requestLines()).toEqual([]);
      expect(
        await sample(quiet, "http_requests_total", { route: "/items/:id", replica: "quiet" }),
      ).toBe(1);
    } finally {
      await new Promise((resolve) => quietServer.close(resolve));
    }
  });
});

describe("metrics", () => {
  it("count requests by route pattern, not by path, with the replica on every series", async () => {
    const local = new ServerMetrics({ replica: "replica-b" });
    const { server: localServer, port: localPort } = await listen(testApp(local), "127.0.0.1", 0);
    try {
      for (const id of ["1", "2", "3"]) await fetch(`http://127.0.0.1:${localPort}/items/${id}`);
      await fetch(`http://127.0.0.1:${localPort}/limited`, { method: "POST" });
      await fetch(`http://127.0.0.1:${localPort}/fails`);
      await fetch(`http://127.0.0.1:${localPort}/no/such/path/${"x".repeat(50)}`);
      const requests = (labels: Record<string, string>) =>
        sample(local, "http_requests_total", { replica: "replica-b", ...labels });
      expect(await requests({ method: "GET", route: "/items/:id", status: "200" })).toBe(3);
      expect(await requests({ method: "POST", route: "/limited", status: "429" })).toBe(1);
      expect(await requests({ method: "GET", route: "/fails", status: "500" })).toBe(1);
      expect(await requests({ method: "GET", route: "/*", status: "404" })).toBe(1);
      expect(await sample(local, "http_rate_limited_total", { route: "/limited" })).toBe(1);
      expect(
        await sample(local, "http_request_duration_seconds_count", {
          method: "GET",
          route: "/items/:id",
          status: "200",
        }),
      ).toBe(3);
      const text = await local.registry.metrics();
      expect(text).not.toContain("xxxxx");
      expect(text).not.toMatch(/route="\/items\/\d/);
    } finally {
      await new Promise((resolve) => localServer.close(resolve));
    }
  });

  it("skip requests that did not come over a socket (start-up self-checks)", async () => {
    const local = new ServerMetrics({ replica: "replica-c" });
    await testApp(local).request("/items/1");
    expect(await local.registry.metrics()).not.toContain("http_requests_total{");
  });

  it("report the database pool at each scrape through the hook, and nothing without a pool", async () => {
    const local = new ServerMetrics({ replica: "replica-d" });
    let use: { total: number; idle: number; waiting: number } | undefined;
    local.observeDatabasePool(() => use);
    expect(await local.registry.metrics()).not.toMatch(/db_pool_connections\{/);
    use = { total: 10, idle: 7, waiting: 2 };
    const text = await local.registry.metrics();
    expect(text).toContain('db_pool_connections{state="total",replica="replica-d"} 10');
    expect(text).toContain('db_pool_connections{state="idle",replica="replica-d"} 7');
    expect(text).toContain('db_pool_waiting_requests{replica="replica-d"} 2');
  });

  describe("the metrics listener", () => {
    let listener: MetricsListener;
    beforeAll(async () => {
      listener = await serveMetrics(metrics, "127.0.0.1", 0);
    });
    afterAll(() => listener.close());

    it("answers GET /metrics in Prometheus' format, with the process metrics", async () => {
      await fetch(`${base}/items/9`);
      const response = await fetch(`http://127.0.0.1:${listener.port}${METRICS_PATH}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      expect(text).toMatch(/http_requests_total\{method="GET",route="\/items\/:id"/);
      expect(text).toContain('process_cpu_seconds_total{replica="replica-a"}');
    });

    it("answers nothing else", async () => {
      expect((await fetch(`http://127.0.0.1:${listener.port}/`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${listener.port}/items/1`)).status).toBe(404);
    });
  });
});

describe("observability settings", () => {
  it("default the replica name to the hostname, as a name a label may hold", () => {
    const settings = observabilitySettings({ LOG_LEVEL: "info" });
    expect(settings.replicaName).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
    expect(settings.metricsPort).toBeUndefined();
    expect(observabilitySettings({ LOG_LEVEL: "warn", REPLICA_NAME: "auth-1" }).replicaName).toBe(
      "auth-1",
    );
  });
});
