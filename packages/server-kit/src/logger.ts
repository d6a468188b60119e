// Structured logs: one JSON object a line (pino), so that the lines of several replicas can be merged,
// filtered and counted by whatever collects them. Every line names its service and replica, and a
// line written while a request is being handled names that request (request-context.ts).
import { hostname } from "node:os";
import { type DestinationStream, type Logger, type LoggerOptions, pino } from "pino";
import { z } from "zod";
import { currentRequestId } from "./request-context";

export type { Logger };

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Fields that must never reach a log line, whatever an object handed to the logger holds. Nothing
 * here logs headers, bodies or query strings; this is the net under that rule, not the rule itself.
 * (`code` is not among them: on an error it is the useful part, such as ECONNREFUSED.)
 */
const REDACTED_FIELDS = [
  "authorization",
  "password",
  "secret",
  "client_secret",
  "clientSecret",
  "token",
  "access_token",
  "refresh_token",
  "code_verifier",
  "cookie",
];

export interface CreateLoggerOptions {
  /** "auth-server" or "mcp-server": which program wrote the line. */
  service: string;
  /** Which copy of it (REPLICA_NAME). */
  replica: string;
  level?: LogLevel;
  /** Where lines go; standard output when not given (tests pass a stream they read back). */
  destination?: DestinationStream;
}

export function createLogger(options: CreateLoggerOptions): Logger {
  const settings: LoggerOptions = {
    level: options.level ?? "info",
    base: { service: options.service, replica: options.replica },
    // ISO 8601 rather than epoch milliseconds: read by people as often as by machines.
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => {
      const requestId = currentRequestId();
      return requestId === undefined ? {} : { requestId };
    },
    redact: {
      paths: REDACTED_FIELDS.flatMap((field) => [field, `*.${field}`]),
      censor: "[redacted]",
    },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

/** REPLICA_NAME: a short name for one copy of a server, in log lines and metric labels. */
const REPLICA_NAME = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The observability settings both servers read (docs/observability.md); each app spreads these into
 * its environment schema and passes the parsed values to `observabilitySettings`.
 */
export const OBSERVABILITY_ENVIRONMENT = {
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  /** Unset means the machine's (or container's) hostname. */
  REPLICA_NAME: z
    .string()
    .regex(REPLICA_NAME, "must be 1–64 characters of letters, digits, '.', '_' and '-'")
    .optional(),
  /** Unset means no metrics listener; the public port never serves /metrics. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
};

export interface ObservabilitySettings {
  logLevel: LogLevel;
  replicaName: string;
  /** Where GET /metrics is served (on HOST), or undefined for nowhere. */
  metricsPort: number | undefined;
}

export function observabilitySettings(env: {
  LOG_LEVEL: LogLevel;
  REPLICA_NAME?: string | undefined;
  METRICS_PORT?: number | undefined;
}): ObservabilitySettings {
  return {
    logLevel: env.LOG_LEVEL,
    // A hostname can be longer than a label should be, or hold characters a name here may not.
    replicaName:
      env.REPLICA_NAME ??
      (hostname()
        .replace(/[^A-Za-z0-9._-]/g, "-")
        .slice(0, 64) ||
        "replica"),
    metricsPort: env.METRICS_PORT,
  };
}
