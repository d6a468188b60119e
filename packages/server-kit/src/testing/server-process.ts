// The cases every server's real process must pass, started the way `npm start` starts it
// (runServer in @repo/server-kit/main): it serves, logs and counts its requests, stops cleanly on
// SIGTERM, and refuses to start, naming what to fix, when the operator has something to fix.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freeLoopbackPort } from "../free-port";
import { startServerProcess, waitFor } from "../server-process";
import { metricSample } from "./metrics";

export interface ServerProcessCases {
  /** The service name, first word of its console lines and `service` on its log lines. */
  name: string;
  appRoot: URL;
  /** The start of the line it prints once it serves ("auth-server: issuer"). */
  readyLine: string;
  /** What it serves on `origin` (http://127.0.0.1:port) with its SQLite file at `databasePath`. */
  environment: (origin: string, databasePath: string) => Record<string, string>;
  /** The app's `*_DATABASE_URL`. */
  databaseUrlVariable: string;
  /** The app's own checks on a running process, besides GET /health; `output` is what it printed. */
  serves: (origin: string, output: string) => Promise<void>;
  /**
   * One request whose log line and metrics the cases look for, sent to `route` with a query and an
   * Authorization header that must reach no line, and the status it is answered with.
   */
  observed: { method: string; route: string; status: number };
  /** Configurations it must refuse, each with what the refusal must say. */
  refusals: { what: string; environment: Record<string, string>; says: RegExp }[];
}

interface LogLine {
  [field: string]: unknown;
}

function logLines(output: string): LogLine[] {
  return output
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as LogLine);
}

export function describeServerProcess(cases: ServerProcessCases): void {
  const appRoot = fileURLToPath(cases.appRoot);
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), `${cases.name}-process-`));
  });
  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  async function start(file: string, environment: Record<string, string> = {}) {
    const port = await freeLoopbackPort();
    const origin = `http://127.0.0.1:${port}`;
    const started = startServerProcess(appRoot, {
      HOST: "127.0.0.1",
      LOG_REQUESTS: "false",
      ...cases.environment(origin, join(directory, file)),
      ...environment,
    });
    return { origin, started };
  }

  describe(`the ${cases.name} process`, () => {
    it("starts, serves, and stops cleanly on SIGTERM", async () => {
      const { origin, started } = await start("process.sqlite");
      try {
        await waitFor(() => started.output().includes(cases.readyLine), "the ready line");
        expect(started.output()).toContain(`listening on 127.0.0.1:${new URL(origin).port}`);
        expect((await fetch(`${origin}/health`)).status).toBe(200);
        await cases.serves(origin, started.output());
      } finally {
        started.child.kill("SIGTERM");
      }
      expect(await started.exited).toBe(0);
      expect(started.output()).toContain("SIGTERM received, shutting down");
    });

    it("logs JSON lines with its replica and each request's id, and serves metrics on METRICS_PORT only", async () => {
      const metricsPort = await freeLoopbackPort();
      const replica = `${cases.name}-process-1`;
      const { origin, started } = await start("observed.sqlite", {
        LOG_REQUESTS: "true",
        REPLICA_NAME: replica,
        METRICS_PORT: String(metricsPort),
      });
      const { observed } = cases;
      try {
        await waitFor(() => started.output().includes(cases.readyLine), "the ready line");
        const response = await fetch(`${origin}${observed.route}?token=secret-value`, {
          method: observed.method,
          headers: { "X-Request-Id": "proxy-0001", Authorization: "Bearer secret-token" },
        });
        expect(response.status).toBe(observed.status);
        expect(response.headers.get("x-request-id")).toBe("proxy-0001");
        expect((await fetch(`${origin}/metrics`)).status).toBe(404);
        const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
        expect(
          metricSample(metrics, "http_requests_total", {
            method: observed.method,
            route: observed.route,
            status: String(observed.status),
            replica,
          }),
        ).toBe(1);
        await waitFor(
          () => started.output().includes('"requestId":"proxy-0001"'),
          "a request line",
        );
      } finally {
        started.child.kill("SIGTERM");
      }
      expect(await started.exited).toBe(0);
      const lines = logLines(started.output());
      expect(lines.every((line) => line.service === cases.name)).toBe(true);
      expect(lines.every((line) => line.replica === replica)).toBe(true);
      expect(lines.find((line) => line.msg === "listening")).toMatchObject({ metricsPort });
      expect(lines.find((line) => line.requestId === "proxy-0001")).toMatchObject({
        level: "info",
        msg: "request",
        method: observed.method,
        path: observed.route,
        status: observed.status,
        clientAddress: "127.0.0.1",
      });
      expect(lines.find((line) => line.msg === "SIGTERM received, shutting down")).toBeDefined();
      // Neither the query string the request carried nor its token reach a line.
      expect(started.output()).not.toMatch(/secret-value|secret-token/);
    });

    it.each(cases.refusals)(
      "refuses to start with $what, naming it, and exits 1",
      async ({ environment, says }) => {
        const { started } = await start("never.sqlite", environment);
        expect(await started.exited).toBe(1);
        expect(started.output()).toContain(`${cases.name}: refusing to start.`);
        expect(started.output()).toMatch(says);
      },
    );

    it(`refuses to start when ${cases.databaseUrlVariable}'s PostgreSQL cannot be reached, without printing its password`, async () => {
      const closedPort = await freeLoopbackPort();
      const { started } = await start("unused.sqlite", {
        [cases.databaseUrlVariable]: `postgres://app:do-not-print@127.0.0.1:${closedPort}/app`,
      });
      expect(await started.exited).toBe(1);
      expect(started.output()).toContain(
        `${cases.name}: refusing to start: the database PostgreSQL 127.0.0.1:${closedPort}/app could not be reached (ECONNREFUSED`,
      );
      expect(started.output()).not.toContain("do-not-print");
    });
  });
}
