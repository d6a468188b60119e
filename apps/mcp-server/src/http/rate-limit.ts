// Per-client throttling of tool calls: a token holder cannot monopolise the server.
import { limitUnavailable } from "@repo/server-kit/limits-redis";
import type { Context, MiddlewareHandler } from "hono";
import {
  type ClientRateLimitInfo,
  type HonoConfigType,
  MemoryStore,
  type Store,
} from "hono-rate-limiter";
import { JSON_RPC_ERROR, jsonRpcError } from "./json-rpc";

export interface ToolCallRateLimitOptions {
  limit: number;
  windowSeconds: number;
  /** The verified client_id the calls are counted against. */
  clientIdOf: (c: Context) => string;
  /** How many tool calls the request carries: a batch of ten is ten calls, not one request. */
  toolCallsOf: (c: Context) => number;
  /**
   * Where the calls are counted: hono-rate-limiter's RedisStore under REDIS_URL, shared by every
   * instance; its MemoryStore (one process; a restart forgets them) when not given.
   */
  store?: Store;
  clock?: () => number;
}

export interface ToolCallRateLimit {
  middleware: MiddlewareHandler;
  /** Stops the store's expiry timer. */
  close(): void;
}

/**
 * At most `limit` tool calls per client_id per window, answered beyond that with 429, Retry-After
 * and a JSON-RPC error body. Keyed by the verified client_id, not the address: many clients share
 * one address behind a proxy, and one client may call from many. Requests with no tool call
 * (initialize, tools/list) are free. A store that does not answer refuses the request with 503 and a
 * JSON-RPC error rather than letting its calls through uncounted.
 */
export function toolCallRateLimit(options: ToolCallRateLimitOptions): ToolCallRateLimit {
  const { limit, windowSeconds } = options;
  const clock = options.clock ?? Date.now;
  const store = options.store ?? new MemoryStore();
  // A store's init reads only windowMs from the middleware options it is normally handed.
  store.init?.({ windowMs: windowSeconds * 1000 } as HonoConfigType);

  const middleware: MiddlewareHandler = async (c, next) => {
    const calls = options.toolCallsOf(c);
    if (calls === 0) return next();
    const clientId = options.clientIdOf(c);
    let counted: ClientRateLimitInfo[];
    try {
      counted = await Promise.all(Array.from({ length: calls }, () => store.increment(clientId)));
    } catch (error) {
      const { retryAfter } = limitUnavailable("mcp-server", "tool-call", error);
      return jsonRpcError(
        c,
        503,
        JSON_RPC_ERROR.serverError,
        `The tool-call limit cannot be checked right now; retry after ${retryAfter} seconds`,
        { "Retry-After": String(retryAfter), "Cache-Control": "no-store" },
      );
    }
    // The increments of one batch may land in any order: the highest count is the last.
    const last = counted.reduce((highest, info) =>
      info.totalHits > highest.totalHits ? info : highest,
    );
    const { totalHits: hits, resetTime } = last;
    if (hits > limit) {
      const retryAfter = resetTime
        ? Math.max(1, Math.ceil((resetTime.getTime() - clock()) / 1000))
        : windowSeconds;
      return jsonRpcError(
        c,
        429,
        JSON_RPC_ERROR.serverError,
        `Too many tool calls: at most ${limit} per ${windowSeconds} seconds for one client; retry after ${retryAfter} seconds`,
        { "Retry-After": String(retryAfter), "Cache-Control": "no-store" },
      );
    }
    await next();
  };
  return { middleware, close: () => void store.shutdown?.() };
}
