// Throttling of open endpoints (RFC 7591 §5 asks servers to guard registration against abuse).
import type { MiddlewareHandler } from "hono";
import { rateLimiter } from "hono-rate-limiter";
import type { AuthServer } from "../server-context";
import { OAuthError } from "./oauth-error";

/**
 * At most `limit` registrations per client address per window, answered beyond that with 429 and
 * Retry-After. Counters live in memory: one process, and a restart forgets them.
 */
export function registrationRateLimit(server: AuthServer): MiddlewareHandler {
  const { limit, windowSeconds } = server.config.registrationRateLimit;
  return rateLimiter({
    windowMs: windowSeconds * 1000,
    limit,
    standardHeaders: "draft-7",
    keyGenerator: (c) => server.clientAddress(c) ?? "unknown",
    handler: (c) => {
      // hono-rate-limiter keeps its counters on the context under "rateLimit".
      const { resetTime } = (c.var as { rateLimit?: { resetTime?: Date } }).rateLimit ?? {};
      const retryAfter = resetTime
        ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000))
        : windowSeconds;
      throw new OAuthError(
        "temporarily_unavailable",
        "too many registrations from this address; try again later",
        { status: 429, headers: { "Retry-After": String(retryAfter) } },
      );
    },
  });
}
