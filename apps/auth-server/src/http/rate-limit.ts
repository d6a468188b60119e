// Throttling of open endpoints per client address: RFC 7591 §5 asks servers to guard registration
// against abuse, and /authorize may fetch a client's metadata document, so it must not become a way to
// make this server send requests on someone's behalf at any rate.
import { rateLimitKey } from "@repo/server-kit/client-address";
import { LimitUnavailableError, limitUnavailable } from "@repo/server-kit/limits-redis";
import type { Context, MiddlewareHandler } from "hono";
import { rateLimiter } from "hono-rate-limiter";
import type { AuthServer } from "../server-context";
import { SERVER_NAME } from "./limit-stores";
import { OAuthError } from "./oauth-error";

interface AddressRateLimit {
  /** The limit's name, in its Redis keys and log lines. */
  name: string;
  limit: number;
  windowSeconds: number;
  /** Answers a request over the limit; `retryAfter` is in seconds. */
  refuse: (c: Context, retryAfter: number) => Response | Promise<Response>;
}

/**
 * At most `limit` requests per client address (an IPv6 address's /64) per window, answered beyond
 * that by `refuse`, with a Retry-After. The counters live in memory (one process; a restart forgets
 * them), or in Redis under REDIS_URL, where every instance counts together; a store that does not
 * answer refuses the request with 503 rather than letting it through unlimited.
 */
function addressRateLimit(server: AuthServer, options: AddressRateLimit): MiddlewareHandler {
  const limiter = rateLimiter({
    windowMs: options.windowSeconds * 1000,
    limit: options.limit,
    standardHeaders: "draft-7",
    store: server.limits.requestStore(options.name),
    keyGenerator: (c) => {
      const address = server.clientAddress(c);
      return address === undefined ? "unknown" : rateLimitKey(address);
    },
    handler: (c) => {
      // hono-rate-limiter keeps its counters on the context under "rateLimit".
      const { resetTime } = (c.var as { rateLimit?: { resetTime?: Date } }).rateLimit ?? {};
      const retryAfter = resetTime
        ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000))
        : options.windowSeconds;
      c.header("Retry-After", String(retryAfter));
      return options.refuse(c, retryAfter);
    },
  });
  return async (c, next) => {
    try {
      return await limiter(c, next);
    } catch (error) {
      // Errors of the routes after this one are answered where they happen (Hono's onError); what
      // reaches here is the store's.
      if (error instanceof LimitUnavailableError) throw error;
      throw limitUnavailable(SERVER_NAME, options.name, error);
    }
  };
}

export function registrationRateLimit(server: AuthServer): MiddlewareHandler {
  return addressRateLimit(server, {
    name: "registration",
    ...server.config.registrationRateLimit,
    refuse: (c, retryAfter) =>
      new OAuthError(
        "temporarily_unavailable",
        "too many registrations from this address; try again later",
        { status: 429, headers: { "Retry-After": String(retryAfter) } },
      ).toResponse(c),
  });
}

/** /authorize is visited by browsers, so the refusal is a page, not JSON; nothing is redirected. */
export function authorizationRateLimit(
  server: AuthServer,
  refuse: AddressRateLimit["refuse"],
): MiddlewareHandler {
  return addressRateLimit(server, {
    name: "authorization",
    ...server.config.authorizationRateLimit,
    refuse,
  });
}
