// Process entry point: `npm start` / `npm run dev` in apps/mcp-server.
import { ListenError, listen } from "@repo/server-kit/listen";
import { createLogger, type Logger } from "@repo/server-kit/logger";
import { serveMetrics } from "@repo/server-kit/metrics";
import { ConfigError, loadConfig, type McpServerConfig } from "./config";
import { isStoreUnavailable } from "./http/unavailable";
import { createMcpResourceServer, StartupCheckError } from "./server";

let config: McpServerConfig | undefined;
let log: Logger | undefined;

async function main(): Promise<void> {
  config = loadConfig(process.env);
  const { logLevel, replicaName, metricsPort } = config.observability;
  const logger = createLogger({ service: "mcp-server", replica: replicaName, level: logLevel });
  log = logger;
  const instance = await createMcpResourceServer(config, {
    logRequests: config.logRequests,
    logger,
    reportError: (error) => logger.error({ err: error }, "unexpected error"),
  });
  const { server } = await listen(instance.app, config.host, config.port);
  const metrics =
    metricsPort === undefined
      ? undefined
      : await serveMetrics(instance.server.metrics, config.host, metricsPort);
  console.log(
    `mcp-server: MCP endpoint ${config.resource} (listening on ${config.host}:${config.port}, ${config.mode} mode, issuer ${config.issuer}, database ${config.databaseLabel})`,
  );
  logger.info(
    { resource: config.resource, host: config.host, port: config.port, metricsPort: metrics?.port },
    "listening",
  );

  const shutdown = (signal: string) => {
    logger.info({ signal }, `${signal} received, shutting down`);
    void metrics?.close();
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
  } else if (log) {
    log.fatal({ err: error }, "failed to start");
  } else {
    console.error("mcp-server: failed to start", error);
  }
  process.exit(1);
});
