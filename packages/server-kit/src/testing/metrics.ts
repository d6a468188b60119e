// Metrics in tests: a scrape of a server's own listener, and the value of one series of Prometheus's
// text format, picked by its labels.
import { afterAll, beforeAll, expect } from "vitest";
import { METRICS_PATH, type MetricsListener, type ServerMetrics, serveMetrics } from "../metrics";

/** The value of the first series of `name` whose labels include all of `labels`, or undefined. */
export function metricSample(
  text: string,
  name: string,
  labels: Record<string, string>,
): number | undefined {
  for (const line of text.split("\n")) {
    const match = /^([a-z_]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const present = Object.fromEntries(
      [...(match[2] ?? "").matchAll(/([a-z_]+)="([^"]*)"/g)].map(([, key, value]) => [key, value]),
    );
    if (Object.entries(labels).every(([key, value]) => present[key] === value)) {
      return Number(match[3]);
    }
  }
  return undefined;
}

/**
 * A metrics listener on loopback for the server `metrics()` returns, open from the first test of the
 * file to the last (as METRICS_PORT opens one for a process); the returned function scrapes it.
 */
export function useMetricsScrape(metrics: () => ServerMetrics): () => Promise<string> {
  let listener: MetricsListener | undefined;
  beforeAll(async () => {
    listener = await serveMetrics(metrics(), "127.0.0.1", 0);
  });
  afterAll(() => listener?.close());
  return async () => {
    if (!listener) throw new Error("the metrics listener is not open (scrape inside a test)");
    const response = await fetch(`http://127.0.0.1:${listener.port}${METRICS_PATH}`);
    expect(response.status).toBe(200);
    return response.text();
  };
}

/** Every server's case: its public port never serves the metrics, whatever the proxy forwards. */
export async function expectNoPublicMetrics(publicOrigin: string): Promise<void> {
  const response = await fetch(`${publicOrigin}${METRICS_PATH}`);
  expect(response.status).toBe(404);
  expect(await response.text()).not.toContain("http_requests_total");
}
