// MCP Streamable HTTP transport, "Security Warning": servers MUST validate the Origin header (RS-8).
import { isLoopbackUrl } from "@repo/server-kit";
import type { MiddlewareHandler } from "hono";
import { JSON_RPC_ERROR, jsonRpcError } from "./json-rpc";

export interface OriginPolicy {
  allowedOrigins: readonly string[];
  /** Any http(s) loopback origin, for a local MCP Inspector in development. */
  allowLoopbackOrigins: boolean;
}

/** Whether a browser page from `origin` may call this server. */
export function isAllowedOrigin(policy: OriginPolicy, origin: string): boolean {
  if (policy.allowedOrigins.includes(origin)) return true;
  if (!policy.allowLoopbackOrigins || !URL.canParse(origin)) return false;
  const url = new URL(origin);
  return (url.protocol === "http:" || url.protocol === "https:") && isLoopbackUrl(url);
}

/**
 * Refuses, with 403 and before anything else runs, a request whose `Origin` is not allowed. This
 * stops DNS rebinding: a page on attacker.example whose name now resolves to 127.0.0.1 reaches a
 * local server with its own Origin, whatever Host it sends. Requests without Origin come from
 * programs, not browsers, and are let through: the bearer token is what authorizes them.
 */
export function requireAllowedOrigin(policy: OriginPolicy): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header("origin");
    if (origin !== undefined && !isAllowedOrigin(policy, origin)) {
      return jsonRpcError(
        c,
        403,
        JSON_RPC_ERROR.serverError,
        "Forbidden: this Origin may not call the MCP server",
        { "Cache-Control": "no-store", Vary: "Origin" },
      );
    }
    await next();
  };
}
