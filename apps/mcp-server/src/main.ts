// Process entry point: `npm start` / `npm run dev` in apps/mcp-server.
import { ListenError, listen } from "@repo/server-kit/listen";
import { ConfigError, loadConfig, type McpServerConfig } from "./config";
import { isStoreUnavailable } from "./http/unavailable";
import { createMcpResourceServer, StartupCheckError } from "./server";

let config: McpServerConfig | undefined;

async function main(): Promise<void> {
  config = loadConfig(process.env);
  const instance = await createMcpResourceServer(config, { logRequests: config.logRequests });
  const { server } = await listen(instance.app, config.host, config.port);
  console.log(
    `mcp-server: MCP endpoint ${config.resource} (listening on ${config.host}:${config.port}, ${config.mode} mode, issuer ${config.issuer}, database ${config.databaseLabel})`,
  );

  const shutdown = (signal: string) => {
    console.log(`mcp-server: ${signal} received, shutting down`);
    server.close(() => {
      instance.close().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error("mcp-server: closing the database failed", error);
          process.exit(1);
        },
      );
    });
    // Keep-alive connections would otherwise hold the process open.
    if ("closeAllConnections" in server) server.closeAllConnections();
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  if (
    error instanceof ConfigError ||
    error instanceof ListenError ||
    error instanceof StartupCheckError
  ) {
    console.error(`mcp-server: refusing to start.\n${error.message}`);
  } else if (isStoreUnavailable(error) && config !== undefined) {
    // The migrations could not run: say where it looked, without the password.
    console.error(
      `mcp-server: refusing to start: the database ${config.databaseLabel} could not be reached (${String((error as { code?: unknown }).code ?? error)}).`,
    );
  } else {
    console.error("mcp-server: failed to start", error);
  }
  process.exit(1);
});
