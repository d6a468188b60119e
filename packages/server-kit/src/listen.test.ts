import type { ServerType } from "@hono/node-server";
import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import { clientAddress, ListenError, listen } from "./listen";

const app = new Hono().get("/health", (c) => c.text("ok"));
const servers: ServerType[] = [];

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

describe("listen", () => {
  it("resolves with the bound port once requests can be served", async () => {
    const { server, port } = await listen(app, "127.0.0.1", 0);
    servers.push(server);
    expect(port).toBeGreaterThan(0);
    const response = await fetch(`http://127.0.0.1:${port}/health`);
    expect(await response.text()).toBe("ok");
  });

  it("rejects when the port is taken instead of hanging, saying so in one line", async () => {
    const first = await listen(app, "127.0.0.1", 0);
    servers.push(first.server);
    const refusal = listen(app, "127.0.0.1", first.port);
    await expect(refusal).rejects.toThrowError(ListenError);
    await expect(refusal).rejects.toThrowError(`127.0.0.1:${first.port} is already in use`);
  });
});

describe("clientAddress", () => {
  const echo = new Hono().get("/address", (c) => c.json({ address: clientAddress(c) ?? null }));

  it("is the peer address of a request that arrived over a socket", async () => {
    const { server, port } = await listen(echo, "127.0.0.1", 0);
    servers.push(server);
    const response = await fetch(`http://127.0.0.1:${port}/address`);
    expect(await response.json()).toEqual({ address: "127.0.0.1" });
  });

  it("is undefined for an in-process request", async () => {
    const response = await echo.request("/address");
    expect(await response.json()).toEqual({ address: null });
  });
});
