// The real process, started the way `npm start` starts it: it serves, and it refuses bad configuration.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freeLoopbackPort } from "@repo/server-kit/free-port";
import { startServerProcess, waitFor } from "@repo/server-kit/server-process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const APP_ROOT = fileURLToPath(new URL("..", import.meta.url));

let directory: string;
beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), "mcp-server-process-"));
});
afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe("the mcp-server process", () => {
  it("starts, serves its metadata and a challenge, and stops cleanly on SIGTERM", async () => {
    const port = await freeLoopbackPort();
    const resource = `http://127.0.0.1:${port}/mcp`;
    const started = startServerProcess(APP_ROOT, {
      HOST: "127.0.0.1",
      MCP_RESOURCE: resource,
      MCP_DATABASE_PATH: join(directory, "process.sqlite"),
      LOG_REQUESTS: "false",
    });
    try {
      await waitFor(() => started.output().includes("mcp-server: MCP endpoint"), "the ready line");
      expect(started.output()).toContain(resource);
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
      const metadata = (await (
        await fetch(`http://127.0.0.1:${port}/.well-known/oauth-protected-resource/mcp`)
      ).json()) as { resource: string };
      expect(metadata.resource).toBe(resource);
      expect((await fetch(resource, { method: "POST" })).status).toBe(401);
    } finally {
      started.child.kill("SIGTERM");
    }
    expect(await started.exited).toBe(0);
    expect(started.output()).toContain("SIGTERM received");
  });

  it("logs JSON lines with its replica and each request's id, and serves metrics on METRICS_PORT only", async () => {
    const [port, metricsPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
    const resource = `http://127.0.0.1:${port}/mcp`;
    const started = startServerProcess(APP_ROOT, {
      HOST: "127.0.0.1",
      MCP_RESOURCE: resource,
      MCP_DATABASE_PATH: join(directory, "observed.sqlite"),
      LOG_REQUESTS: "true",
      REPLICA_NAME: "mcp-process-1",
      METRICS_PORT: String(metricsPort),
    });
    try {
      await waitFor(() => started.output().includes("mcp-server: MCP endpoint"), "the ready line");
      const response = await fetch(`${resource}?token=secret-value`, {
        method: "POST",
        headers: { "X-Request-Id": "proxy-0002", Authorization: "Bearer secret-token" },
      });
      expect(response.status).toBe(401);
      expect(response.headers.get("x-request-id")).toBe("proxy-0002");
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
      const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      expect(metrics).toMatch(/http_requests_total\{[^}]*route="\/mcp"[^}]*status="401"[^}]*\} 1/);
      expect(metrics).toContain('replica="mcp-process-1"');
      await waitFor(() => started.output().includes('"requestId":"proxy-0002"'), "a request line");
    } finally {
      started.child.kill("SIGTERM");
    }
    expect(await started.exited).toBe(0);
    const lines = started
      .output()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.every((line) => line.service === "mcp-server")).toBe(true);
    expect(lines.every((line) => line.replica === "mcp-process-1")).toBe(true);
    expect(lines.find((line) => line.msg === "listening")).toMatchObject({ metricsPort });
    expect(lines.find((line) => line.requestId === "proxy-0002")).toMatchObject({
      level: "info",
      msg: "request",
      method: "POST",
      path: "/mcp",
      status: 401,
      clientAddress: "127.0.0.1",
    });
    expect(started.output()).not.toMatch(/secret-value|secret-token/);
  });

  it("refuses to start with bad configuration, naming the variable, and exits 1", async () => {
    const started = startServerProcess(APP_ROOT, {
      NODE_ENV: "production",
      MCP_RESOURCE: "http://mcp.example.com/mcp",
      MCP_DATABASE_PATH: join(directory, "refused.sqlite"),
    });
    expect(await started.exited).toBe(1);
    expect(started.output()).toContain("mcp-server: refusing to start.");
    expect(started.output()).toContain("MCP_RESOURCE: must use https in production");
  });

  it("refuses to start when MCP_DATABASE_URL's PostgreSQL cannot be reached, without printing its password", async () => {
    const closedPort = await freeLoopbackPort();
    const started = startServerProcess(APP_ROOT, {
      HOST: "127.0.0.1",
      MCP_DATABASE_URL: `postgres://mcp:do-not-print@127.0.0.1:${closedPort}/mcp`,
      LOG_REQUESTS: "false",
    });
    expect(await started.exited).toBe(1);
    expect(started.output()).toContain("mcp-server: refusing to start: the database");
    expect(started.output()).toContain("ECONNREFUSED");
    expect(started.output()).not.toContain("do-not-print");
  });
});
