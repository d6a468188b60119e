// Per-client throttling of tool calls: a token holder cannot monopolise the server.
import type { Context, MiddlewareHandler } from "hono";
import { MemoryStore } from "hono-rate-limiter";
import { JSON_RPC_ERROR, jsonRpcError } from "./json-rpc";

export interface ToolCallRateLimitOptions {
  limit: number;
  windowSeconds: number;
  /** The verified client_id the calls are counted against. */
  clientIdOf: (c: Context) => string;
  /** How many tool calls the request carries: a batch of ten is ten calls, not one request. */
  toolCallsOf: (c: Context) => number;
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
 * one address behind a proxy, and one client may call from many. Counters live in memory (one
 * process; a restart forgets them). Requests with no tool call (initialize, tools/list) are free.
 */
export function toolCallRateLimit(options: ToolCallRateLimitOptions): ToolCallRateLimit {
  const { limit, windowSeconds } = options;
  const clock = options.clock ?? Date.now;
  const store = new MemoryStore();
  // MemoryStore.init reads only windowMs from the middleware options it is normally handed.
  store.init({ windowMs: windowSeconds * 1000 } as Parameters<MemoryStore["init"]>[0]);

  const middleware: MiddlewareHandler = async (c, next) => {
    const calls = options.toolCallsOf(c);
    if (calls === 0) return next();
    const clientId = options.clientIdOf(c);
    let hits = 0;
    let resetTime: Date | undefined;
    for (let call = 0; call < calls; call++) {
      ({ totalHits: hits, resetTime } = store.increment(clientId));
    }
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
  return { middleware, close: () => store.shutdown() };
}
