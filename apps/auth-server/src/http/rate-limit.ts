// Throttling of open endpoints per client address: RFC 7591 §5 asks servers to guard registration
// against abuse, and /authorize may fetch a client's metadata document, so it must not become a way to
// make this server send requests on someone's behalf at any rate.
import type { Context, MiddlewareHandler } from "hono";
import { rateLimiter } from "hono-rate-limiter";
import type { AuthServer } from "../server-context";
import { OAuthError } from "./oauth-error";

interface AddressRateLimit {
  limit: number;
  windowSeconds: number;
  /** Answers a request over the limit; `retryAfter` is in seconds. */
  refuse: (c: Context, retryAfter: number) => Response | Promise<Response>;
}

/**
 * At most `limit` requests per client address per window, answered beyond that by `refuse`, with a
 * Retry-After. Counters live in memory: one process, and a restart forgets them.
 */
function addressRateLimit(server: AuthServer, options: AddressRateLimit): MiddlewareHandler {
  return rateLimiter({
    windowMs: options.windowSeconds * 1000,
    limit: options.limit,
    standardHeaders: "draft-7",
    keyGenerator: (c) => server.clientAddress(c) ?? "unknown",
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
}

export function registrationRateLimit(server: AuthServer): MiddlewareHandler {
  return addressRateLimit(server, {
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
  return addressRateLimit(server, { ...server.config.authorizationRateLimit, refuse });
}
