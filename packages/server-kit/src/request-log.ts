// One log line and one set of HTTP metrics per request, from a single middleware that times the
// request and reads its outcome once the rest of the app has answered.
import type { Context, MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { Logger } from "./logger";
import type { ServerMetrics } from "./metrics";

export interface ObserveRequestsOptions {
  /** Where request lines go; without one, or with `logRequests` false, none are written. */
  logger?: Logger | undefined;
  /** LOG_REQUESTS. */
  logRequests?: boolean | undefined;
  metrics: ServerMetrics;
  /** The client's address as the app sees it (rate limits, audit rows); undefined when unknown. */
  clientAddress: (c: Context) => string | undefined;
}

/** A path this long is not one of the servers' routes; the line keeps its start. */
const MAX_LOGGED_PATH_LENGTH = 512;

/**
 * The route pattern that answered (`/internal/admin/users/:id`), never the path itself: one series
 * per route, whatever ids or junk clients put in paths. A request no route took is labelled with the
 * pattern of the last middleware it passed (`*` for a path that matches nothing).
 */
function routeOf(c: Context): string {
  return routePath(c) || "*";
}

/**
 * Requests that did not arrive over a socket (the start-up self-checks, `app.request()`) are neither
 * logged nor counted: they are not traffic.
 *
 * The line holds the method, the path without its query string (an authorization response's query
 * carries a code, a login's may carry an email), the status, the duration and the client's address;
 * the request id comes from the request context (logger.ts). Never headers, bodies or tokens.
 */
export function observeRequests(options: ObserveRequestsOptions): MiddlewareHandler {
  const { metrics, clientAddress } = options;
  const log = options.logRequests ? options.logger : undefined;
  return async (c, next) => {
    const address = clientAddress(c);
    if (address === undefined) return next();
    const started = performance.now();
    try {
      await next();
    } finally {
      const seconds = (performance.now() - started) / 1000;
      // An exception that escaped every handler becomes Hono's 500; count it as one.
      const status = c.res?.status ?? 500;
      const labels = { method: c.req.method, route: routeOf(c), status: String(status) };
      metrics.httpRequests.inc(labels);
      metrics.httpRequestDuration.observe(labels, seconds);
      if (status === 429) metrics.rateLimited.inc({ route: labels.route });
      log?.info(
        {
          method: c.req.method,
          path: c.req.path.slice(0, MAX_LOGGED_PATH_LENGTH),
          status,
          durationMs: Math.round(seconds * 1000 * 10) / 10,
          clientAddress: address,
        },
        "request",
      );
    }
  };
}
