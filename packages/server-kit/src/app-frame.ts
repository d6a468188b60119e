// The frame both servers' Hono apps are built in: request ids, the request log and metrics, reading
// bodies, security headers and GET /health first, then each app's own routes, and one error handler
// that keeps stack traces from clients and tells a database outage (503) from a bug (500).
import { type Context, type ErrorHandler, Hono, type MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import type { Logger } from "./logger";
import type { ServerMetrics } from "./metrics";
import { readRequestBody } from "./request-body";
import { requestIdentity } from "./request-id";
import { observeRequests } from "./request-log";
import { isDatabaseUnavailable } from "./store";

/** What a server's process (main.ts) or test hands to the app it builds. */
export interface CreateAppOptions {
  /** Writes one line per request to `logger`; off in tests. */
  logRequests?: boolean;
  /** Where request lines go (main.ts's pino logger). */
  logger?: Logger;
  /** Where unexpected errors are reported (never to the client); console.error by default. */
  reportError?: (error: unknown) => void;
  /** Where operational warnings go (the database is unreachable); console.warn by default. */
  logWarning?: (line: string) => void;
}

export interface AppFrameOptions extends Pick<CreateAppOptions, "logger" | "logRequests"> {
  metrics: ServerMetrics;
  /** The client's address as the app sees it (TRUST_PROXY); undefined when unknown. */
  clientAddress: (c: Context) => string | undefined;
  /** The largest body any route takes; routes may set smaller limits of their own. */
  maxBodyBytes: number;
  onTooLarge: (c: Context, maxBytes: number) => Response | Promise<Response>;
  /** One round trip to the database, for GET /health. */
  ping: () => Promise<void>;
  /** Runs before GET /health's handler, as a route's own middleware (an OpenAPI description). */
  healthMiddleware?: MiddlewareHandler[];
}

export function createAppFrame(options: AppFrameOptions): Hono {
  const app = new Hono();
  // First, so every line and audit row of the request carries its id (docs/observability.md).
  app.use(requestIdentity());
  app.use(
    observeRequests({
      logger: options.logger,
      logRequests: options.logRequests,
      metrics: options.metrics,
      clientAddress: options.clientAddress,
    }),
  );
  // Before anything that can answer early (405, 403, 401, 413, 429, 400 on a header): an answer sent
  // with the body unread would leave the connection unusable for the request the client sends next.
  app.use(readRequestBody({ maxBytes: options.maxBodyBytes, onTooLarge: options.onTooLarge }));
  app.use(secureHeaders({ crossOriginResourcePolicy: "cross-origin" }));
  for (const middleware of options.healthMiddleware ?? []) app.get("/health", middleware);
  app.get("/health", async (c) => {
    // Touches the database, so a broken data volume or an unreachable PostgreSQL shows up in health
    // checks (503, from the error handler), not in the requests that matter.
    await options.ping();
    return c.json({ status: "ok" });
  });
  return app;
}

/** How an app words each kind of failure for its clients (OAuth error bodies, JSON-RPC errors). */
export interface ErrorAnswers {
  /** The app's own errors that carry their answer, or undefined for any other error. */
  known?: (error: Error, c: Context) => Response | undefined;
  /** 503 with Retry-After (DATABASE_RETRY_AFTER_SECONDS): the request may succeed in a moment. */
  unavailable: (c: Context) => Response;
  /** A 4xx Hono raised while reading the request (a malformed header, a body limit). */
  badRequest: (c: Context, error: HTTPException) => Response;
  /** 500, with nothing of the error in it. */
  serverError: (c: Context) => Response;
}

export interface ErrorHandlerOptions {
  answers: ErrorAnswers;
  /** Unexpected errors: each is a bug, reported in full (never to the client). */
  reportError: (error: unknown) => void;
  /** An outage the request ran into; the operator wants one line, not a stack trace per request. */
  onUnavailable: (error: unknown, c: Context) => void;
  /** Which errors are an outage; isDatabaseUnavailable by default. */
  isUnavailable?: (error: unknown) => boolean;
}

export function serverErrorHandler(options: ErrorHandlerOptions): ErrorHandler {
  const { answers, reportError, onUnavailable } = options;
  const isUnavailable = options.isUnavailable ?? isDatabaseUnavailable;
  return (error, c) => {
    const known = answers.known?.(error, c);
    if (known) return known;
    if (isUnavailable(error)) {
      onUnavailable(error, c);
      return answers.unavailable(c);
    }
    if (error instanceof HTTPException && error.status < 500) return answers.badRequest(c, error);
    reportError(error);
    return answers.serverError(c);
  };
}
