// REDIS_URL: the tool-call limit of several MCP server instances counts in one Redis, and a Redis that
// does not answer refuses tool calls with 503 instead of leaving them uncounted.
import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import {
  LimitUnavailableError,
  redisOneTimeKeys,
  redisScriptClient,
} from "@repo/server-kit/limits-redis";
import { sharedServicesForTests } from "@repo/server-kit/testing/services";
import { Hono } from "hono";
import { RedisStore } from "hono-rate-limiter";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { toolCallRateLimit } from "../src/http/rate-limit";
import { postMcp, request, toolCall } from "./support/json-rpc";
import { clientCredentialsToken, useTestStack } from "./support/test-stack";

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const unreachableRedis = `redis://127.0.0.1:${await closedPort()}`;

describe("with REDIS_URL pointing at a closed port", () => {
  const stack = useTestStack({ REDIS_URL: unreachableRedis });

  it("refuses tool calls with 503, Retry-After and a JSON-RPC error (limit bypass by taking Redis down)", async () => {
    const token = await clientCredentialsToken(stack);
    const refused = await postMcp(stack.mcp.resource, toolCall("whoami"), { token });
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({
      jsonrpc: "2.0",
      error: { code: -32000, message: expect.stringMatching(/cannot be checked/) },
      id: null,
    });
    // A request with no tool call needs no limit.
    expect((await postMcp(stack.mcp.resource, request("tools/list"), { token })).status).toBe(200);
  });
});

describe("the DPoP replay cache with Redis unreachable", () => {
  it("refuses to answer rather than call a proof fresh (replay by taking Redis down)", async () => {
    const redis = new Redis(unreachableRedis, { enableOfflineQueue: false, lazyConnect: true });
    redis.on("error", () => undefined);
    const cache = redisOneTimeKeys(redis, { server: "test", keyPrefix: "x:", what: "DPoP replay" });
    await expect(cache.firstUse("jkt:jti", 60)).rejects.toBeInstanceOf(LimitUnavailableError);
    redis.disconnect();
  });
});

const services = await sharedServicesForTests("the MCP server's Redis rate-limit tests");
if (services) {
  const redis = new Redis(services.redisUrl);
  afterAll(() => redis.quit());

  describe("two instances sharing one Redis", () => {
    it("share one tool-call limit per client: N calls split across them, the N+1th refused on either", async () => {
      const prefix = `test-${randomUUID()}:mcp-server:tool-calls:`;
      const instances = [0, 1].map(() => {
        const limit = toolCallRateLimit({
          limit: 4,
          windowSeconds: 60,
          clientIdOf: () => "shared-client",
          toolCallsOf: () => 1,
          store: new RedisStore({ client: redisScriptClient(redis), prefix }),
        });
        const app = new Hono();
        app.post("/mcp", limit.middleware, (c) => c.json({ ok: true }));
        return app;
      });
      const call = (instance: Hono) => instance.request("/mcp", { method: "POST" });
      const statuses = [];
      for (const instance of [...instances, ...instances])
        statuses.push((await call(instance)).status);
      expect(statuses).toEqual([200, 200, 200, 200]);
      for (const instance of instances) {
        const refused = await call(instance);
        expect(refused.status).toBe(429);
        expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      }
      expect(await redis.keys(`${prefix}*`)).toEqual([`${prefix}shared-client`]);
    });

    it("share one DPoP replay cache: a proof id seen by one is a replay on the other", async () => {
      const options = {
        server: "test",
        keyPrefix: `test-${randomUUID()}:dpop:`,
        what: "DPoP replay",
      };
      const [first, second] = [redisOneTimeKeys(redis, options), redisOneTimeKeys(redis, options)];
      expect(await first.firstUse("jkt:proof-1", 60)).toBe(true);
      expect(await second.firstUse("jkt:proof-1", 60)).toBe(false);
      expect(await second.firstUse("jkt:proof-2", 60)).toBe(true);
      expect(await redis.ttl(`${options.keyPrefix}jkt:proof-1`)).toBeGreaterThan(50);
    });
  });
}
