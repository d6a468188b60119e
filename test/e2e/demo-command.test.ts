// The README's start command, `npm run demo`, as a newcomer runs it: one process group in a terminal,
// three servers that answer, a banner that says where to go, and Ctrl-C that leaves nothing behind.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freeLoopbackPort } from "@repo/server-kit/free-port";
import { waitFor } from "@repo/server-kit/server-process";
import { afterEach, describe, expect, it } from "vitest";

const REPOSITORY_ROOT = fileURLToPath(new URL("../../", import.meta.url));

interface DemoRun {
  child: ChildProcess;
  output: () => string;
  /** npm's exit code, or the signal it re-raised on itself, once all its output is in. */
  exited: Promise<number | NodeJS.Signals | null>;
  urls: { issuer: string; mcpResource: string; webUrl: string };
  dataDirectory: string;
}

const runs: DemoRun[] = [];

afterEach(async () => {
  for (const run of runs.splice(0)) {
    // A failed test may leave the demo running: Ctrl-C first, so it stops its servers (each in a
    // process group of its own); only a demo that does not stop is killed.
    signalGroup(run, "SIGINT");
    const stopped = await Promise.race([
      run.exited.then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 15_000)),
    ]);
    if (!stopped) {
      signalGroup(run, "SIGKILL");
      await run.exited;
    }
    rmSync(run.dataDirectory, { recursive: true, force: true });
  }
});

function signalGroup(run: DemoRun, signal: NodeJS.Signals): void {
  try {
    process.kill(-(run.child.pid ?? 0), signal);
  } catch {
    // The group has ended already.
  }
}

async function freePorts(): Promise<DemoPorts> {
  return {
    auth: await freeLoopbackPort(),
    mcp: await freeLoopbackPort(),
    web: await freeLoopbackPort(),
  };
}

/** `npm run demo` in a process group of its own, as a terminal runs a foreground command. */
interface DemoPorts {
  auth: number;
  mcp: number;
  web: number;
}

async function startDemo(ports?: DemoPorts): Promise<DemoRun> {
  const { auth, mcp, web } = ports ?? (await freePorts());
  const urls = {
    issuer: `http://127.0.0.1:${auth}`,
    mcpResource: `http://127.0.0.1:${mcp}/mcp`,
    webUrl: `http://127.0.0.1:${web}`,
  };
  const dataDirectory = mkdtempSync(join(tmpdir(), "demo-command-"));
  const child = spawn("npm", ["run", "demo"], {
    cwd: REPOSITORY_ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    // Only what a person's shell would have, plus the three URLs: nothing from the test runner.
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? tmpdir(),
      NODE_ENV: "development",
      HOST: "127.0.0.1",
      ISSUER: urls.issuer,
      MCP_RESOURCE: urls.mcpResource,
      WEB_URL: urls.webUrl,
      AUTH_DATABASE_PATH: join(dataDirectory, "auth-server.sqlite"),
      MCP_DATABASE_PATH: join(dataDirectory, "mcp-server.sqlite"),
      LOG_REQUESTS: "false",
      TURBO_TELEMETRY_DISABLED: "1",
    },
  });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  // "close", not "exit": npm may exit on the Ctrl-C before the script it ran has finished stopping
  // the servers; the output pipe closes only once every process writing to it has ended.
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once("close", (code, signal) => resolve(code ?? signal)),
  );
  const run = { child, output: () => output, exited, urls, dataDirectory };
  runs.push(run);
  return run;
}

function ctrlC(run: DemoRun): void {
  signalGroup(run, "SIGINT");
}

async function refusesConnections(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return false;
  } catch {
    return true;
  }
}

/** Holds `port` as another program would, hanging up on anything that connects. */
function occupy(port: number): Promise<Server> {
  const server = createServer((socket) => socket.destroy());
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

/** A server answering 200 on every path, as a copy of the demo already running would. */
function answerEverything(port: number): Promise<{ close(): Promise<void> }> {
  const server = createHttpServer((_request, response) => response.end("ok"));
  return new Promise((resolve) =>
    server.listen(port, "127.0.0.1", () =>
      resolve({
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      }),
    ),
  );
}

describe("npm run demo", () => {
  it("starts the three servers, says when they are ready and where to go, and Ctrl-C stops them all", {
    timeout: 150_000,
  }, async () => {
    const run = await startDemo();
    const { issuer, mcpResource, webUrl } = run.urls;
    await waitFor(() => /^Ready in [\d.]+ s\.$/m.test(run.output()), "the ready banner", 90_000);

    const banner = run.output().slice(run.output().search(/^Ready in/m));
    expect(banner).toContain(`Sign-in and consent    ${webUrl}`);
    expect(banner).toContain(`Authorization server   ${issuer}`);
    expect(banner).toContain(`MCP server             ${mcpResource}`);
    expect(banner).toContain("demo@example.com / demo-password");
    expect(banner).toContain("npm run demo:client -- --client-credentials");
    // Each service's lines carry its name.
    expect(run.output()).toMatch(/^auth-server │ auth-server: issuer /m);
    expect(run.output()).toMatch(/^mcp-server {2}│ mcp-server: MCP endpoint /m);
    expect(run.output()).toMatch(/^web {9}│ /m);

    // Ready means ready: each answers as a client would first meet it.
    const metadata = await fetch(`${issuer}/.well-known/oauth-authorization-server`);
    expect(((await metadata.json()) as { issuer: string }).issuer).toBe(issuer);
    const challenge = await fetch(mcpResource, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(challenge.status).toBe(401);
    expect(challenge.headers.get("www-authenticate")).toContain(
      `resource_metadata="${new URL(mcpResource).origin}/.well-known/oauth-protected-resource/mcp"`,
    );
    expect((await fetch(`${webUrl}/login`)).status).toBe(200);
    expect(existsSync(join(run.dataDirectory, "auth-server.sqlite"))).toBe(true);
    expect(existsSync(join(run.dataDirectory, "mcp-server.sqlite"))).toBe(true);

    ctrlC(run);
    // npm itself got the Ctrl-C too: once its script has ended, it re-raises SIGINT on itself.
    expect([0, "SIGINT"]).toContain(await run.exited);
    expect(run.output()).toMatch(/^Stopped all three services\.$/m);
    for (const url of [`${issuer}/health`, `${new URL(mcpResource).origin}/health`, webUrl]) {
      expect(await refusesConnections(url)).toBe(true);
    }
  });

  it("stops everything and exits 1, naming the service, when one cannot start (port already taken)", {
    timeout: 150_000,
  }, async () => {
    const ports = await freePorts();
    const squatter = await occupy(ports.mcp);
    try {
      const run = await startDemo(ports);
      expect(await run.exited).toBe(1);
      expect(run.output()).toContain(
        `mcp-server  │ mcp-server: refusing to start.\nmcp-server  │ 127.0.0.1:${ports.mcp} is already in use`,
      );
      expect(run.output()).toMatch(/^mcp-server stopped unexpectedly \(exit code 1\)/m);
      expect(run.output()).not.toMatch(/^Ready in/m);
      expect(await refusesConnections(`${run.urls.issuer}/health`)).toBe(true);
      expect(await refusesConnections(run.urls.webUrl)).toBe(true);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it("refuses to start beside a running copy instead of calling itself ready (a false Ready)", {
    timeout: 150_000,
  }, async () => {
    const ports = await freePorts();
    const otherCopy = await answerEverything(ports.auth);
    try {
      const run = await startDemo(ports);
      expect(await run.exited).toBe(1);
      expect(run.output()).toContain(
        `Something already answers at http://127.0.0.1:${ports.auth}/health: is another copy of the demo running?`,
      );
      expect(run.output()).not.toMatch(/^Ready in/m);
      expect(run.output()).not.toMatch(/^Starting the auth-server/m);
    } finally {
      await otherCopy.close();
    }
  });
});
