// The real, built web app (`next start`) as a child process on a loopback port.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freeLoopbackPort } from "@repo/server-kit/free-port";

const WEB_DIRECTORY = fileURLToPath(new URL("../../../apps/web/", import.meta.url));

export interface WebAppEnvironment {
  ISSUER: string;
  AUTH_INTERNAL_URL?: string;
  /** The MCP server the admin console reads the tool-call audit log from. */
  MCP_RESOURCE?: string;
  MCP_INTERNAL_URL?: string;
  /** `true` behind the cluster's proxy: the browser's address is its X-Forwarded-For entry. */
  TRUST_PROXY?: string;
  WEB_CLIENT_SECRET: string;
  SESSION_SECRET: string;
}

export interface WebApp {
  url: string;
  /** Everything the server printed, for the failure message when something goes wrong. */
  output(): string;
  close(): Promise<void>;
}

/** Reserves the web app's URL first: the auth-server must know it before the web app can start. */
export async function reserveWebUrl(): Promise<string> {
  return `http://127.0.0.1:${await freeLoopbackPort()}`;
}

/**
 * `url` is the web app's public URL (WEB_URL). It listens there too, unless `listenPort` puts it on
 * a port of its own behind a proxy that answers `url`.
 */
export async function startWebApp(
  url: string,
  environment: WebAppEnvironment,
  { listenPort }: { listenPort?: number } = {},
): Promise<WebApp> {
  if (!existsSync(join(WEB_DIRECTORY, ".next", "BUILD_ID"))) {
    throw new Error(
      "apps/web has no production build: run `npm run build -w @repo/web` (turbo does it before this test)",
    );
  }
  const nextBin = createRequire(join(WEB_DIRECTORY, "package.json")).resolve("next/dist/bin/next");
  const { hostname } = new URL(url);
  const port = String(listenPort ?? new URL(url).port);
  const child = spawn(
    process.execPath,
    [nextBin, "start", "--port", port, "--hostname", hostname],
    {
      cwd: WEB_DIRECTORY,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        WEB_URL: url,
        ...environment,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  // If the test process dies without reaching afterAll, the server must not outlive it.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  child.once("exit", () => process.off("exit", killOnExit));
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const app: WebApp = { url, output: () => output, close: () => stop(child) };
  try {
    await waitUntilAnswering(`http://${hostname}:${port}/login`, child, () => output);
  } catch (error) {
    await app.close();
    throw error;
  }
  return app;
}

async function waitUntilAnswering(url: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`next start exited with ${child.exitCode}:\n${output()}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the web app did not answer at ${url} within 30 s:\n${output()}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const forced = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(forced);
}
