// The Redis connection the servers' rate limits share when REDIS_URL is set, so that every instance
// behind a load balancer counts against one limit. A limit that cannot be checked is not skipped: the
// request is refused with 503 and Retry-After (LimitUnavailableError), and the outage is logged.
import { Redis } from "ioredis";
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
} from "rate-limiter-flexible";
import { z } from "zod";

/** REDIS_URL: a redis:// or rediss:// URL (rediss for TLS). */
export const redisUrlSetting = z
  .string()
  .refine((value) => URL.canParse(value) && /^rediss?:$/.test(new URL(value).protocol), {
    message: "must be a redis:// or rediss:// URL",
  })
  .optional();

/**
 * REDIS_KEY_PREFIX: put before every key a server writes to Redis, so several deployments (or test
 * runs) can share one Redis without counting into each other's limits.
 */
export const redisKeyPrefixSetting = z
  .string()
  .max(100)
  .regex(/^[A-Za-z0-9:._-]*$/, "letters, digits and : . _ - only")
  .default("");

/** Seconds a client is asked to wait when the limits' store does not answer. */
export const LIMIT_UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** A limit could not be checked or counted: the request gets 503, never a pass. */
export class LimitUnavailableError extends Error {
  override name = "LimitUnavailableError";
  readonly retryAfter = LIMIT_UNAVAILABLE_RETRY_AFTER_SECONDS;
}

/** Turns a store's failure into LimitUnavailableError and says so on stderr (see reportLimitFailure). */
export function limitUnavailable(
  server: string,
  limit: string,
  error: unknown,
): LimitUnavailableError {
  reportLimitFailure(server, limit, error);
  return new LimitUnavailableError(`the ${limit} limit could not be checked`, { cause: error });
}

const REPORT_INTERVAL_MS = 10_000;
const lastReported = new Map<string, { at: number; suppressed: number }>();

/**
 * One line on stderr per limit every ten seconds at most: a Redis outage under load would otherwise
 * write a line per request.
 */
function reportLimitFailure(server: string, limit: string, error: unknown): void {
  const key = `${server}:${limit}`;
  const now = Date.now();
  const last = lastReported.get(key);
  if (last && now - last.at < REPORT_INTERVAL_MS) {
    last.suppressed++;
    return;
  }
  const reason = error instanceof Error ? error.message : String(error);
  const more = last?.suppressed ? ` (${last.suppressed} more since the last line)` : "";
  console.error(
    `${server}: the ${limit} limit could not be checked (${reason}); answering 503 with Retry-After${more}`,
  );
  lastReported.set(key, { at: now, suppressed: 0 });
}

export interface LimitsRedisOptions {
  /** The server's name, for log lines. */
  server: string;
  /** How long one command may take before the request is refused instead. */
  commandTimeoutMs?: number;
}

/**
 * An ioredis client that fails fast while Redis is away and reconnects when it returns: no offline
 * queue (a command while disconnected is refused at once, not held until memory runs out), one retry
 * per command, a short command timeout, and reconnection every two seconds at most. Connection state
 * changes are logged once each, not per retry.
 */
export function openLimitsRedis(url: string, options: LimitsRedisOptions): Redis {
  const { hostname, port } = new URL(url);
  const where = `Redis at ${hostname || "localhost"}:${port || 6379}`;
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: options.commandTimeoutMs ?? 1_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  let down = false;
  redis.on("error", (error: Error) => {
    if (down) return;
    down = true;
    console.error(
      `${options.server}: ${where} is unreachable (${error.message}); rate-limited requests get 503 until it answers`,
    );
  });
  redis.on("ready", () => {
    if (!down) return;
    down = false;
    console.error(`${options.server}: ${where} answers again; rate limits are back`);
  });
  return redis;
}

/**
 * Waits until the client is connected, for at most `timeoutMs`, so that the first requests after a
 * start are not refused while the connection is still being made. Resolves either way: a server whose
 * Redis is down starts, and answers 503 to limited requests until it returns.
 */
export function untilConnected(redis: Redis, timeoutMs = 2_000): Promise<void> {
  if (redis.status === "ready") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off("ready", done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    redis.on("ready", done);
  });
}

/** Closes the connection without waiting for an absent Redis. */
export async function closeLimitsRedis(redis: Redis): Promise<void> {
  if (redis.status === "ready") {
    await redis.quit().catch(() => redis.disconnect());
  } else {
    redis.disconnect();
  }
}

/**
 * The commands hono-rate-limiter's RedisStore sends, on an ioredis client (the store leaves the
 * client library open and asks for this shape).
 */
export function redisScriptClient(redis: Redis) {
  return {
    scriptLoad: (script: string) => redis.script("LOAD", script) as Promise<string>,
    evalsha: <TArgs extends unknown[], TData = unknown>(
      sha1: string,
      keys: string[],
      args: TArgs,
    ): Promise<TData> =>
      redis.evalsha(sha1, keys.length, ...keys, ...(args as (string | number)[])) as Promise<TData>,
    decr: (key: string) => redis.decr(key),
    del: (key: string) => redis.del(key),
  };
}

export interface CounterOptions {
  /** The key prefix of this limit, such as "auth-server:login-email". */
  keyPrefix: string;
  points: number;
  durationSeconds: number;
}

/**
 * A rate-limiter-flexible counter: in Redis when a client is given (shared by every instance), in
 * this process's memory otherwise. Against Redis it refuses at once while the connection is down
 * (`rejectIfRedisNotReady`), so a request waits for no timeout before its 503.
 */
export function counterLimiter(
  redis: Redis | undefined,
  options: CounterOptions,
): RateLimiterAbstract {
  const common = {
    keyPrefix: options.keyPrefix,
    points: options.points,
    duration: options.durationSeconds,
  };
  return redis
    ? new RateLimiterRedis({ ...common, storeClient: redis, rejectIfRedisNotReady: true })
    : new RateLimiterMemory(common);
}

/**
 * "Seen this key before?" for one-time values that every replica must agree on, such as RFC 9449
 * DPoP proof ids: `SET … NX EX` in Redis, so exactly one replica sees a given key first. It matches
 * `DpopReplayCache` in @repo/tokens. Without Redis the caller keeps a per-process cache instead.
 */
export function redisOneTimeKeys(
  redis: Redis,
  options: { server: string; keyPrefix: string; what: string },
) {
  return {
    async firstUse(key: string, ttlSeconds: number): Promise<boolean> {
      try {
        const stored = await redis.set(`${options.keyPrefix}${key}`, "1", "EX", ttlSeconds, "NX");
        return stored === "OK";
      } catch (error) {
        throw limitUnavailable(options.server, options.what, error);
      }
    },
  };
}
