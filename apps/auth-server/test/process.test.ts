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
