// Structured logs: one JSON object a line (pino), so that the lines of several replicas can be merged,
// filtered and counted by whatever collects them. Every line names its service and replica, and a
// line written while a request is being handled names that request (request-context.ts).
import { type DestinationStream, type Logger, type LoggerOptions, pino } from "pino";
import type { LogLevel } from "./environment";
import { currentRequestId } from "./request-context";

export type { Logger };

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
