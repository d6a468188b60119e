import type { ServerType } from "@hono/node-server";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { afterEach, describe, expect, it } from "vitest";
import { keepAliveClient } from "./fuzz";
import { listen } from "./listen";
import { readRequestBody } from "./request-body";

const MAX_BYTES = 64 * 1024;

/** Routes that answer before reading the body, the way a rate limit or a header check does. */
function appWithEarlyAnswers(): Hono {
  const app = new Hono();
  app.use(
    readRequestBody({
      maxBytes: MAX_BYTES,
      drainBytes: 1024 * 1024,
      onTooLarge: (c, maxBytes) => c.json({ error: "too_large", maxBytes }, 413),
    }),
  );
  app.post("/refuse", (c) => c.json({ error: "rate_limited" }, 429));
  // hono's bodyLimit touches the body stream before it answers: what once stalled the socket.
  app.post("/small", bodyLimit({ maxSize: 16, onError: (c) => c.json({}, 413) }), (c) =>
    c.text("accepted"),
  );
  app.post("/echo", async (c) => c.text(await c.req.text()));
  return app;
}

const servers: ServerType[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

async function serve(): Promise<string> {
  const { server, port } = await listen(appWithEarlyAnswers(), "127.0.0.1", 0);
  servers.push(server);
  return `http://127.0.0.1:${port}`;
}

describe("readRequestBody", () => {
  it("a client reusing its connection after an answer sent before the body was read still gets an answer", async () => {
    const origin = await serve();
    const client = keepAliveClient(1);
    try {
      for (const path of ["/refuse", "/small"]) {
        const early = await client.fetch(`${origin}${path}`, {
          method: "POST",
          body: "x".repeat(1024 * 1024),
        });
        expect(early.status).toBeGreaterThanOrEqual(400);
        await early.arrayBuffer();
        const next = await client.fetch(`${origin}/echo`, { method: "POST", body: "hello" });
        expect(await next.text()).toBe("hello");
      }
      expect(client.connectionsOpened()).toBe(1);
    } finally {
      await client.close();
    }
  });

  it("reads a body over the limit to its end and answers 413 on a connection that stays open", async () => {
    const origin = await serve();
    const client = keepAliveClient(1);
    try {
      const refused = await client.fetch(`${origin}/echo`, {
        method: "POST",
        body: "x".repeat(MAX_BYTES + 1),
      });
      expect(refused.status).toBe(413);
      expect(refused.headers.get("connection")).toBe("keep-alive");
      expect(await refused.json()).toEqual({ error: "too_large", maxBytes: MAX_BYTES });
      expect(
        await (await client.fetch(`${origin}/echo`, { method: "POST", body: "a" })).text(),
      ).toBe("a");
      expect(client.connectionsOpened()).toBe(1);
    } finally {
      await client.close();
    }
  });

  it("refuses a body too large to drain with Connection: close, declared or chunked, and answers completely", async () => {
    const origin = await serve();
    const client = keepAliveClient(1);
    const big = new Uint8Array(4 * 1024 * 1024).fill(0x61);
    try {
      const declared = await client.fetch(`${origin}/echo`, { method: "POST", body: big });
      expect(declared.status).toBe(413);
      expect(declared.headers.get("connection")).toBe("close");
      expect(((await declared.json()) as { error: string }).error).toBe("too_large");

      let offset = 0;
      const chunked = await client.fetch(`${origin}/echo`, {
        method: "POST",
        duplex: "half",
        body: new ReadableStream({
          pull(controller) {
            if (offset >= big.byteLength) return controller.close();
            controller.enqueue(big.subarray(offset, offset + 64 * 1024));
            offset += 64 * 1024;
          },
        }),
      });
      expect(chunked.status).toBe(413);
      expect(chunked.headers.get("connection")).toBe("close");
      expect(((await chunked.json()) as { error: string }).error).toBe("too_large");

      expect(
        await (await client.fetch(`${origin}/echo`, { method: "POST", body: "b" })).text(),
      ).toBe("b");
    } finally {
      await client.close();
    }
  });

  it("hands routes the whole body, in memory, for an in-process request too", async () => {
    const response = await appWithEarlyAnswers().request("/echo", {
      method: "POST",
      body: "é".repeat(1000),
    });
    expect(await response.text()).toBe("é".repeat(1000));
  });
});
