// Where the auth-server's limits count: in this process's memory by default, or in Redis when
// REDIS_URL is set, so that every instance behind a load balancer enforces one limit. Each limit has
// its own key prefix, `<prefix>auth-server:<limit>:`, so several servers can share one Redis.
import {
  closeLimitsRedis,
  counterLimiter,
  openLimitsRedis,
  redisOneTimeKeys,
  redisScriptClient,
  untilConnected,
} from "@repo/server-kit/limits-redis";
import { type DpopReplayCache, memoryReplayCache } from "@repo/tokens";
import { RedisStore, type Store } from "hono-rate-limiter";
import type { Redis } from "ioredis";
import type { RateLimiterAbstract } from "rate-limiter-flexible";

export const SERVER_NAME = "auth-server";

export interface LimitStores {
  /** The request-rate limit's hono-rate-limiter store; undefined means its own MemoryStore. */
  requestStore(limit: string): Store | undefined;
  /** A rate-limiter-flexible counter of `points` per `durationSeconds`, for limits that count failures. */
  counter(limit: string, points: number, durationSeconds: number): RateLimiterAbstract;
  /**
   * Values good once across every instance (RFC 9449 proof ids, RFC 7523 assertion `jti`s): `SET NX`
   * in Redis, or this process's memory; `what` names it in log lines. A Redis that does not answer
   * is LimitUnavailableError (503).
   */
  oneTimeKeys(limit: string, what: string): DpopReplayCache;
  close(): Promise<void>;
}

export interface LimitStoresOptions {
  redisUrl?: string;
  /** Put before every key; tests give each run its own. */
  keyPrefix?: string;
}

export async function openLimitStores(options: LimitStoresOptions): Promise<LimitStores> {
  const redis: Redis | undefined = options.redisUrl
    ? openLimitsRedis(options.redisUrl, { server: SERVER_NAME })
    : undefined;
  if (redis) await untilConnected(redis);
  const prefix = (limit: string) => `${options.keyPrefix ?? ""}${SERVER_NAME}:${limit}`;
  return {
    requestStore: (limit) =>
      redis
        ? new RedisStore({ client: redisScriptClient(redis), prefix: `${prefix(limit)}:` })
        : undefined,
    counter: (limit, points, durationSeconds) =>
      counterLimiter(redis, { keyPrefix: prefix(limit), points, durationSeconds }),
    oneTimeKeys: (limit, what) =>
      redis
        ? redisOneTimeKeys(redis, { server: SERVER_NAME, keyPrefix: `${prefix(limit)}:`, what })
        : memoryReplayCache(),
    close: async () => {
      if (redis) await closeLimitsRedis(redis);
    },
  };
}
