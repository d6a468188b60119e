// Prometheus metrics (prom-client), one registry per server instance rather than prom-client's global
// one: a test process builds several servers, and each must count only its own requests. Served on a
// listener of its own (METRICS_PORT), never on the public port, so the proxy in front cannot expose it.
import type { ServerType } from "@hono/node-server";
import { Hono } from "hono";
import {
  Counter,
  type CounterConfiguration,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  Registry,
} from "prom-client";
import { listen } from "./listen";
import type { PoolUse } from "./store";

export const METRICS_PATH = "/metrics";

export type { PoolUse };

type HttpLabel = "method" | "route" | "status";

/** What both servers count; each app's metrics object adds its own counters with `counter`. */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<HttpLabel>;
  readonly httpRequestDuration: Histogram<HttpLabel>;
  /** 429 answers, whichever limit gave them (per address, per client, a sign-in throttle). */
  readonly rateLimited: Counter<"route">;
  #processMetrics = false;

  /** `databasePool` is the store's `pool()`: the pool gauges read it at each scrape. */
  constructor(options: { replica: string; databasePool?: () => PoolUse | undefined }) {
    // On every series, so the replicas behind one proxy are told apart however they are scraped.
    this.registry.setDefaultLabels({ replica: options.replica });
    this.httpRequests = this.counter({
      name: "http_requests_total",
      help: "HTTP requests answered, by route pattern, method and status.",
      labelNames: ["method", "route", "status"],
    });
    this.httpRequestDuration = new Histogram({
      name: "http_request_duration_seconds",
      help: "Time from a request's arrival to its response, by route pattern, method and status.",
      labelNames: ["method", "route", "status"],
      registers: [this.registry],
    });
    this.rateLimited = this.counter({
      name: "http_rate_limited_total",
      help: "Requests refused with 429 Too Many Requests, by route pattern.",
      labelNames: ["route"],
    });
    if (options.databasePool) this.observeDatabasePool(options.databasePool);
  }

  /** A counter in this server's registry. */
  counter<Label extends string>(
    configuration: Omit<CounterConfiguration<Label>, "registers">,
  ): Counter<Label> {
    return new Counter({ ...configuration, registers: [this.registry] });
  }

  /**
   * Reports a database pool's connections at each scrape: `read` is asked then, and nothing is
   * reported while it answers undefined (SQLite has no pool).
   */
  observeDatabasePool(read: () => PoolUse | undefined): void {
    new Gauge({
      name: "db_pool_connections",
      help: "Connections in the database pool: all of them (total) and those unused (idle).",
      labelNames: ["state"],
      registers: [this.registry],
      collect() {
        const use = read();
        if (use === undefined) return;
        this.set({ state: "total" }, use.total);
        this.set({ state: "idle" }, use.idle);
      },
    });
    new Gauge({
      name: "db_pool_waiting_requests",
      help: "Queries waiting for a free connection in the database pool.",
      registers: [this.registry],
      collect() {
        const use = read();
        if (use !== undefined) this.set(use.waiting);
      },
    });
  }

  /**
   * prom-client's process metrics (CPU, memory, event loop lag, garbage collection), once. Only for a
   * server that serves its metrics: each call starts an event-loop monitor that lives as long as the
   * process, which a test building many servers has no use for.
   */
  collectProcessMetrics(): void {
    if (this.#processMetrics) return;
    this.#processMetrics = true;
    collectDefaultMetrics({ register: this.registry });
  }
}

/** GET /metrics in Prometheus' text format; anything else is a 404. */
export function metricsApp(metrics: ServerMetrics): Hono {
  const app = new Hono();
  app.get(METRICS_PATH, async (c) =>
    c.body(await metrics.registry.metrics(), 200, {
      "Content-Type": metrics.registry.contentType,
      "Cache-Control": "no-store",
    }),
  );
  app.notFound((c) => c.text("not found\n", 404));
  return app;
}

export interface MetricsListener {
  server: ServerType;
  port: number;
  close(): Promise<void>;
}

/** Serves `metricsApp` on hostname:port (METRICS_PORT; 0 picks a free port) with process metrics. */
export async function serveMetrics(
  metrics: ServerMetrics,
  hostname: string,
  port: number,
): Promise<MetricsListener> {
  metrics.collectProcessMetrics();
  const { server, port: bound } = await listen(metricsApp(metrics), hostname, port);
  return {
    server,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ("closeAllConnections" in server) server.closeAllConnections();
      }),
  };
}
