// The real process, started the way `npm start` starts it: it serves, and it refuses bad configuration.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freeLoopbackPort } from "@repo/server-kit/free-port";
import { startServerProcess, waitFor } from "@repo/server-kit/server-process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json } from "./support/test-server";

const APP_ROOT = fileURLToPath(new URL("..", import.meta.url));

let directory: string;
beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), "auth-server-process-"));
});
afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe("the auth-server process", () => {
  it("starts, serves its metadata, and stops cleanly on SIGTERM", async () => {
    const port = await freeLoopbackPort();
    const issuer = `http://127.0.0.1:${port}`;
    const started = startServerProcess(APP_ROOT, {
      HOST: "127.0.0.1",
      ISSUER: issuer,
      AUTH_DATABASE_PATH: join(directory, "process.sqlite"),
      LOG_REQUESTS: "false",
    });
    try {
      await waitFor(() => started.output().includes("auth-server: issuer"), "the ready line");
      expect((await fetch(`${issuer}/health`)).status).toBe(200);
      const metadata = await json(fetch(`${issuer}/.well-known/oauth-authorization-server`));
      expect(metadata.issuer).toBe(issuer);
    } finally {
      started.child.kill("SIGTERM");
    }
    expect(await started.exited).toBe(0);
  });

  it("logs JSON lines with its replica and each request's id, and serves metrics on METRICS_PORT only", async () => {
    const [port, metricsPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
    const issuer = `http://127.0.0.1:${port}`;
    const started = startServerProcess(APP_ROOT, {
      HOST: "127.0.0.1",
      ISSUER: issuer,
      AUTH_DATABASE_PATH: join(directory, "observed.sqlite"),
      LOG_REQUESTS: "true",
      REPLICA_NAME: "auth-process-1",
      METRICS_PORT: String(metricsPort),
    });
    try {
      await waitFor(() => started.output().includes("auth-server: issuer"), "the ready line");
      const response = await fetch(`${issuer}/authorize?client_id=x&code_challenge=secret-value`, {
        headers: { "X-Request-Id": "proxy-0001", Authorization: "Bearer secret-token" },
      });
      expect(response.headers.get("x-request-id")).toBe("proxy-0001");
      expect((await fetch(`${issuer}/metrics`)).status).toBe(404);
      const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      expect(metrics).toMatch(/http_requests_total\{[^}]*route="\/authorize"[^}]*\} 1/);
      expect(metrics).toContain('replica="auth-process-1"');
      await waitFor(() => started.output().includes('"requestId":"proxy-0001"'), "a request line");
    } finally {
      started.child.kill("SIGTERM");
    }
    expect(await started.exited).toBe(0);
    const lines = started
      .output()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.every((line) => line.service === "auth-server")).toBe(true);
    expect(lines.every((line) => line.replica === "auth-process-1")).toBe(true);
    expect(lines.find((line) => line.msg === "listening")).toMatchObject({ metricsPort });
    expect(lines.find((line) => line.requestId === "proxy-0001")).toMatchObject({
      level: "info",
      msg: "request",
      method: "GET",
      path: "/authorize",
      clientAddress: "127.0.0.1",
    });
    expect(lines.find((line) => line.msg === "SIGTERM received, shutting down")).toBeDefined();
    expect(started.output()).not.toMatch(/secret-value|secret-token/);
  });

  it("refuses to start with a bad variable, naming it, and exits 1", async () => {
    const started = startServerProcess(APP_ROOT, {
      ISSUER: "http://localhost:4000/",
      AUTH_DATABASE_PATH: join(directory, "never.sqlite"),
    });
    expect(await started.exited).toBe(1);
    expect(started.output()).toMatch(/refusing to start[\s\S]*ISSUER: must not end with a slash/);
  });

  it("refuses to start in production with the development key-encryption secret", async () => {
    const started = startServerProcess(APP_ROOT, {
      NODE_ENV: "production",
      ISSUER: "https://auth.example.com",
      MCP_RESOURCE: "https://mcp.example.com/mcp",
      SEED_DEMO_DATA: "false",
      AUTH_DATABASE_PATH: join(directory, "never.sqlite"),
    });
    expect(await started.exited).toBe(1);
    expect(started.output()).toMatch(
      /KEY_ENCRYPTION_SECRET: still the published development default/,
    );
  });
});
