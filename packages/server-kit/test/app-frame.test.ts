// The frame both servers' apps are built in: health, request ids, and an error handler that answers
// an outage with 503, a malformed request with 4xx, and a bug with a bare 500.
import { HTTPException } from "hono/http-exception";
import { describe, expect, it } from "vitest";
import { createAppFrame, serverErrorHandler } from "../src/app-frame";
import { ServerMetrics } from "../src/metrics";
import { REQUEST_ID_HEADER } from "../src/request-id";

class KnownError extends Error {}

function frame(ping: () => Promise<void> = async () => {}) {
  const reported: unknown[] = [];
  const outages: string[] = [];
  const app = createAppFrame({
    metrics: new ServerMetrics({ replica: "test" }),
    clientAddress: () => undefined,
    maxBodyBytes: 16,
    onTooLarge: (c) => c.text("too large", 413),
    ping,
  });
  app.get("/known", () => {
    throw new KnownError("the app's own");
  });
  app.get("/malformed", () => {
    throw new HTTPException(400, { message: "a header Hono could not read" });
  });
  app.get("/bug", () => {
    throw new Error("internal detail: /srv/secret/path");
  });
  app.post("/echo", async (c) => c.text(await c.req.text()));
  app.onError(
    serverErrorHandler({
      answers: {
        known: (error, c) => (error instanceof KnownError ? c.text("known", 409) : undefined),
        unavailable: (c) => c.text("unavailable", 503),
        badRequest: (c, error) => c.text(`bad request: ${error.message}`, error.status),
        serverError: (c) => c.text("server error", 500),
      },
      reportError: (error) => reported.push(error),
      onUnavailable: (_, c) => outages.push(c.req.path),
    }),
  );
  return { app, reported, outages };
}

const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), {
  code: "ECONNREFUSED",
});

describe("the app frame", () => {
  it("answers GET /health once the database answers, with a request id and security headers", async () => {
    const response = await frame().app.request("/health");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
    expect(response.headers.get(REQUEST_ID_HEADER)).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("answers GET /health with 503 while the database does not answer, as an outage, not a bug", async () => {
    const { app, reported, outages } = frame(() => Promise.reject(refused));
    expect((await app.request("/health")).status).toBe(503);
    expect(outages).toEqual(["/health"]);
    expect(reported).toEqual([]);
  });

  it("runs GET /health's own middleware before it answers", async () => {
    const app = createAppFrame({
      metrics: new ServerMetrics({ replica: "test" }),
      clientAddress: () => undefined,
      maxBodyBytes: 16,
      onTooLarge: (c) => c.text("too large", 413),
      ping: async () => {},
      healthMiddleware: [
        async (c, next) => {
          await next();
          c.header("X-Described", "yes");
        },
      ],
    });
    const response = await app.request("/health");
    expect(response.status).toBe(200);
    expect(response.headers.get("x-described")).toBe("yes");
  });

  it("refuses a body over the limit before any route reads it", async () => {
    const response = await frame().app.request("/echo", { method: "POST", body: "x".repeat(17) });
    expect(response.status).toBe(413);
  });
});

describe("serverErrorHandler", () => {
  it("lets the app answer its own errors", async () => {
    const { app, reported } = frame();
    expect((await app.request("/known")).status).toBe(409);
    expect(reported).toEqual([]);
  });

  it("answers a 4xx Hono raised as bad input, never a 5xx", async () => {
    const { app, reported } = frame();
    const response = await app.request("/malformed");
    expect(response.status).toBe(400);
    expect(await response.text()).toBe("bad request: a header Hono could not read");
    expect(reported).toEqual([]);
  });

  it("information leak: reports a bug and answers a bare 500 that says nothing of it", async () => {
    const { app, reported } = frame();
    const response = await app.request("/bug");
    expect(response.status).toBe(500);
    expect(await response.text()).toBe("server error");
    expect(reported).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/secret/) }),
    ]);
  });
});
