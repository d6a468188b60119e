// The whole demo for the demo client's tests: the auth-server (in-process), the MCP server (its own
// process, as `npm run demo` starts it) and the built web app, each on its own loopback port.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startTestAuthServer, type TestAuthServer } from "@repo/auth-server/test-server";
import { freeLoopbackPort } from "@repo/server-kit/free-port";
import { type ServerProcess, startServerProcess, waitFor } from "@repo/server-kit/server-process";
import { reserveWebUrl, startWebApp, type WebApp } from "./web-app";

const MCP_SERVER_ROOT = fileURLToPath(new URL("../../../apps/mcp-server/", import.meta.url));

export interface DemoStack {
  auth: TestAuthServer;
  /** The MCP server's canonical URL, `http://127.0.0.1:<port>/mcp`. */
  mcpUrl: string;
  mcp: ServerProcess;
  web: WebApp;
  /** A temporary directory that is removed with the stack (the MCP database, state files). */
  directory: string;
  close(): Promise<void>;
}

export async function startDemoStack(): Promise<DemoStack> {
  const directory = mkdtempSync(join(tmpdir(), "demo-client-e2e-"));
  const secrets = {
    WEB_CLIENT_SECRET: randomBytes(32).toString("base64url"),
    SESSION_SECRET: randomBytes(32).toString("base64url"),
  };
  const closers: (() => Promise<void>)[] = [async () => rmSync(directory, { recursive: true })];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer();
  };
  try {
    const [webUrl, mcpPort] = await Promise.all([reserveWebUrl(), freeLoopbackPort()]);
    const mcpUrl = `http://127.0.0.1:${mcpPort}/mcp`;
    const auth = await startTestAuthServer({
      MCP_RESOURCE: mcpUrl,
      WEB_URL: webUrl,
      WEB_CLIENT_SECRET: secrets.WEB_CLIENT_SECRET,
    });
    closers.push(() => auth.close());
    const mcp = startServerProcess(MCP_SERVER_ROOT, {
      NODE_ENV: "test",
      HOST: "127.0.0.1",
      PORT: String(mcpPort),
      MCP_RESOURCE: mcpUrl,
      ISSUER: auth.issuer,
      MCP_DATABASE_PATH: join(directory, "mcp-server.sqlite"),
      LOG_REQUESTS: "false",
    });
    closers.push(() => stopProcess(mcp));
    const [web] = await Promise.all([
      startWebApp(webUrl, { ISSUER: auth.issuer, ...secrets }),
      waitFor(
        () => mcp.output().includes("mcp-server: MCP endpoint") || mcp.child.exitCode !== null,
        "the MCP server's ready line",
      ),
    ]);
    closers.push(() => web.close());
    if (mcp.child.exitCode !== null) {
      throw new Error(`the MCP server exited with ${mcp.child.exitCode}:\n${mcp.output()}`);
    }
    return { auth, mcpUrl, mcp, web, directory, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function stopProcess(server: ServerProcess): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill("SIGTERM");
  const forced = setTimeout(() => server.child.kill("SIGKILL"), 5_000);
  await server.exited;
  clearTimeout(forced);
}
