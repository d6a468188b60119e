// The MCP server as its own process, as `npm run demo` starts it, on a loopback port, with its
// tool-call audit log in a SQLite file of the caller's temporary directory.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freeLoopbackPort } from "@repo/server-kit/free-port";
import { type ServerProcess, startServerProcess, waitFor } from "@repo/server-kit/server-process";

const MCP_SERVER_ROOT = fileURLToPath(new URL("../../../apps/mcp-server/", import.meta.url));

export interface McpServer {
  /** The MCP server's canonical URL, `http://127.0.0.1:<port>/mcp`. */
  url: string;
  process: ServerProcess;
  /** Resolves once it listens; rejects with its output if it exited instead. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** Reserves the MCP server's URL first: the auth-server must know its resource identifier. */
export async function reserveMcpUrl(): Promise<string> {
  return `http://127.0.0.1:${await freeLoopbackPort()}/mcp`;
}

export function startMcpServer(
  url: string,
  {
    issuer,
    directory,
    jwksUrl,
    environment = {},
  }: {
    issuer: string;
    directory: string;
    /** Where the issuer publishes its keys, when not at `${issuer}/.well-known/jwks.json`. */
    jwksUrl?: string;
    /** Further settings, such as DPOP_REQUIRED. */
    environment?: Record<string, string>;
  },
): McpServer {
  const server = startServerProcess(MCP_SERVER_ROOT, {
    NODE_ENV: "test",
    HOST: "127.0.0.1",
    PORT: new URL(url).port,
    MCP_RESOURCE: url,
    ISSUER: issuer,
    ...(jwksUrl ? { JWKS_URL: jwksUrl } : {}),
    MCP_DATABASE_PATH: join(directory, "mcp-server.sqlite"),
    LOG_REQUESTS: "false",
    ...environment,
  });
  return {
    url,
    process: server,
    async ready() {
      await waitFor(
        () =>
          server.output().includes("mcp-server: MCP endpoint") || server.child.exitCode !== null,
        "the MCP server's ready line",
      );
      if (server.child.exitCode !== null) {
        throw new Error(`the MCP server exited with ${server.child.exitCode}:\n${server.output()}`);
      }
    },
    close: () => stopProcess(server),
  };
}

async function stopProcess(server: ServerProcess): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill("SIGTERM");
  const forced = setTimeout(() => server.child.kill("SIGKILL"), 5_000);
  await server.exited;
  clearTimeout(forced);
}
