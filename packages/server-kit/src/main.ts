// A server process from start to stop, the same for both servers: read the configuration, build the
// server, listen, serve metrics, announce itself in one line, stop cleanly on SIGINT or SIGTERM, and
// refuse to start with one readable message when the operator has something to fix.
import type { Hono } from "hono";
import { ConfigError } from "./environment";
import { ListenError, listen } from "./listen";
import { createLogger, type Logger } from "./logger";
import { type ServerMetrics, serveMetrics } from "./metrics";
import type { ServerSettings } from "./server-settings";
import { describeDatabaseError, isDatabaseUnavailable } from "./store";

/** What a server throws when what it serves contradicts its configuration (its own start-up checks). */
export class StartupCheckError extends Error {
  override name = "StartupCheckError";
}

/** What the process hands to the server it builds. */
export interface ProcessObservers {
  logger: Logger;
  logRequests: boolean;
  reportError: (error: unknown) => void;
}

export interface RunningServer {
  app: Pick<Hono, "fetch">;
  server: { metrics: ServerMetrics };
  /** Stops the server's timers and closes its stores. */
  close(): Promise<void>;
}

export interface ServerDefinition<Config extends ServerSettings> {
  /** The service's name: the first word of every console line, `service` on every log line. */
  name: string;
  loadConfig: (environment: Record<string, string | undefined>) => Config;
  start: (config: Config, observers: ProcessObservers) => Promise<RunningServer>;
  /**
   * The start-up line's own part: what the server serves ("issuer http://localhost:4000") and any
   * facts besides host, port, mode and database; `fields` go on the "listening" log line.
   */
  announce: (config: Config) => {
    serves: string;
    facts?: string[];
    fields: Record<string, unknown>;
  };
  /** The app's own errors that are the operator's to fix, printed as a refusal without a stack. */
  refusals?: (abstract new (
    ...args: never[]
  ) => Error)[];
  /** Which errors mean the database could not be reached; isDatabaseUnavailable by default. */
  isDatabaseUnavailable?: (error: unknown) => boolean;
}

/**
 * Runs the server in this process. Exits 1 when it cannot start: a refusal (bad configuration, a
 * port that cannot be bound, a failed start-up check, an unreachable database) says what to fix in a
 * line or two; anything else is logged in full as a crash.
 */
export function runServer<Config extends ServerSettings>(
  definition: ServerDefinition<Config>,
  environment: Record<string, string | undefined> = process.env,
): void {
  const { name } = definition;
  let config: Config | undefined;
  let log: Logger | undefined;

  async function start(): Promise<void> {
    config = definition.loadConfig(environment);
    const { logLevel, replicaName, metricsPort } = config.observability;
    const logger = createLogger({ service: name, replica: replicaName, level: logLevel });
    log = logger;
    const instance = await definition.start(config, {
      logger,
      logRequests: config.logRequests,
      reportError: (error) => logger.error({ err: error }, "unexpected error"),
    });
    const { server } = await listen(instance.app, config.host, config.port);
    const metrics =
      metricsPort === undefined
        ? undefined
        : await serveMetrics(instance.server.metrics, config.host, metricsPort);
    const { serves, facts = [], fields } = definition.announce(config);
    const details = [
      `listening on ${config.host}:${config.port}`,
      `${config.mode} mode`,
      ...facts,
      `database ${config.database.label}`,
    ];
    console.log(`${name}: ${serves} (${details.join(", ")})`);
    logger.info(
      { ...fields, host: config.host, port: config.port, metricsPort: metrics?.port },
      "listening",
    );

    const shutdown = (signal: string) => {
      logger.info({ signal }, `${signal} received, shutting down`);
      void metrics?.close();
      server.close(() => {
        instance.close().then(
          () => process.exit(0),
          (error: unknown) => {
            logger.error({ err: error }, "closing the server's stores failed");
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

  const refusals = [ConfigError, ListenError, StartupCheckError, ...(definition.refusals ?? [])];
  const databaseUnavailable = definition.isDatabaseUnavailable ?? isDatabaseUnavailable;
  start().catch((error: unknown) => {
    if (refusals.some((refusal) => error instanceof refusal)) {
      console.error(`${name}: refusing to start.\n${(error as Error).message}`);
    } else if (config !== undefined && databaseUnavailable(error)) {
      // The migrations could not run: say where it looked (the label has no password) and why.
      console.error(
        `${name}: refusing to start: the database ${config.database.label} could not be reached (${describeDatabaseError(error)}).`,
      );
    } else if (log) {
      log.fatal({ err: error }, "failed to start");
    } else {
      console.error(`${name}: failed to start`, error);
    }
    process.exit(1);
  });
}
