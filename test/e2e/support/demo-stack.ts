// The whole demo for the demo client's tests: the auth-server (in-process), the MCP server (its own
// process, as `npm run demo` starts it) and the built web app, each on its own loopback port.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestAuthServer, type TestAuthServer } from "@repo/auth-server/test-server";
import { type McpServer, reserveMcpUrl, startMcpServer } from "./mcp-server";
import { freshSecrets } from "./stack";
import { reserveWebUrl, startWebApp, type WebApp } from "./web-app";

export interface DemoStack {
  auth: TestAuthServer;
  /** The MCP server's canonical URL, `http://127.0.0.1:<port>/mcp`. */
  mcpUrl: string;
  mcp: McpServer;
  web: WebApp;
  /** A temporary directory that is removed with the stack (the MCP database, state files). */
  directory: string;
  close(): Promise<void>;
}

export async function startDemoStack(): Promise<DemoStack> {
  const directory = mkdtempSync(join(tmpdir(), "demo-client-e2e-"));
  const secrets = freshSecrets();
  const closers: (() => Promise<void>)[] = [async () => rmSync(directory, { recursive: true })];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer();
  };
  try {
    const [webUrl, mcpUrl] = await Promise.all([reserveWebUrl(), reserveMcpUrl()]);
    const auth = await startTestAuthServer({
      MCP_RESOURCE: mcpUrl,
      WEB_URL: webUrl,
      WEB_CLIENT_SECRET: secrets.WEB_CLIENT_SECRET,
    });
    closers.push(() => auth.close());
    const mcp = startMcpServer(mcpUrl, { issuer: auth.issuer, directory });
    closers.push(() => mcp.close());
    const web = await startWebApp(webUrl, { ISSUER: auth.issuer, ...secrets });
    closers.push(() => web.close());
    await mcp.ready();
    return { auth, mcpUrl, mcp, web, directory, close };
  } catch (error) {
    await close();
    throw error;
  }
}
