// Process entry point: `npm start` / `npm run dev` in apps/auth-server.
import { ListenError, listen } from "@repo/server-kit/listen";
import { createLogger, type Logger } from "@repo/server-kit/logger";
import { serveMetrics } from "@repo/server-kit/metrics";
import { ConfigError, describeDatabase, loadConfig } from "./config";
import { KeyDecryptionError } from "./keys/key-encryption";
import { createAuthServer, StartupCheckError } from "./server";

let log: Logger | undefined;

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const { logLevel, replicaName, metricsPort } = config.observability;
  const logger = createLogger({ service: "auth-server", replica: replicaName, level: logLevel });
  log = logger;
  const instance = await createAuthServer(config, {
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
    `auth-server: issuer ${config.issuer} (listening on ${config.host}:${config.port}, ${config.mode} mode, database ${describeDatabase(config)})`,
  );
  logger.info(
    { issuer: config.issuer, host: config.host, port: config.port, metricsPort: metrics?.port },
    "listening",
  );

  const shutdown = (signal: string) => {
    logger.info({ signal }, `${signal} received, shutting down`);
    void metrics?.close();
    server.close(() => {
      void instance.close().finally(() => process.exit(0));
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
    error instanceof StartupCheckError ||
    error instanceof KeyDecryptionError
  ) {
    console.error(`auth-server: refusing to start.\n${error.message}`);
  } else if (log) {
    log.fatal({ err: error }, "failed to start");
  } else {
    console.error("auth-server: failed to start", error);
  }
  process.exit(1);
});
