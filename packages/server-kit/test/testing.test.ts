// The helpers the servers' protocol tests are built on: a loopback listener that takes its app once
// it exists, a value shared by a test file, and the metrics scrape and its public-port case.
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { ServerMetrics } from "../src/metrics";
import { expectNoPublicMetrics, metricSample, useMetricsScrape } from "../src/testing/metrics";
import { listenOnLoopback, usePerTestFile } from "../src/testing/test-server";

describe("listenOnLoopback", () => {
  it("answers 503 until the app is attached, then the app, and nothing once closed", async () => {
    const listener = await listenOnLoopback();
    expect(listener.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(listener.origin)).status).toBe(503);
    listener.attach(new Hono().get("/", (c) => c.text("attached")));
    expect(await (await fetch(listener.origin)).text()).toBe("attached");
    await listener.close();
    await expect(fetch(listener.origin)).rejects.toThrow();
  });
});

describe("usePerTestFile", () => {
  const stopped: string[] = [];
  const shared = usePerTestFile(
    "the shared value",
    async () => ({ name: "started once" }),
    async (value) => {
      stopped.push(value.name);
    },
  );

  it("forwards to the value started before the first test", () => {
    expect(shared.name).toBe("started once");
    expect(stopped).toEqual([]);
  });
});

describe("useMetricsScrape and expectNoPublicMetrics", () => {
  const metrics = new ServerMetrics({ replica: "scraped" });
  const scrape = useMetricsScrape(() => metrics);

  it("scrape the server's own listener, with its replica on every series", async () => {
    metrics.httpRequests.inc({ method: "GET", route: "/", status: "200" });
    const text = await scrape();
    expect(metricSample(text, "http_requests_total", { route: "/", replica: "scraped" })).toBe(1);
  });

  it("tell a public port that serves the metrics from one that does not", async () => {
    const listener = await listenOnLoopback();
    try {
      listener.attach(new Hono());
      await expectNoPublicMetrics(listener.origin);
      listener.attach(
        new Hono().get("/metrics", async (c) => c.text(await metrics.registry.metrics())),
      );
      await expect(expectNoPublicMetrics(listener.origin)).rejects.toThrow();
    } finally {
      await listener.close();
    }
  });
});
