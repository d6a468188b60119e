// A database that is down or busy is a reason to retry, not a bug: such a request is answered 503 with
// Retry-After (RFC 9110 §15.6.4, §10.2.3), never 500, and never a tool call that silently did nothing.
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from "@repo/server-kit/store";
import type { Context } from "hono";
import { JSON_RPC_ERROR, jsonRpcError } from "./json-rpc";

export { DATABASE_RETRY_AFTER_SECONDS };

/**
 * PostgreSQL unreachable, restarting or out of connections, or SQLite's file still locked by another
 * process after the busy timeout (SQLITE_BUSY: possible when a second process writes the same file).
 */
export function isStoreUnavailable(error: unknown): boolean {
  return isDatabaseUnavailable(error) || hasCode(error, "SQLITE_BUSY");
}

function hasCode(error: unknown, code: string): boolean {
  // drizzle wraps the driver's error in its own, with the driver's as `cause`.
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    if (typeof current !== "object") return false;
    if ("code" in current && current.code === code) return true;
    current = "cause" in current ? current.cause : undefined;
  }
  return false;
}

/** The 503 itself: a JSON-RPC error on the MCP endpoint, an OAuth-style error body elsewhere. */
export function storeUnavailableResponse(c: Context, jsonRpc: boolean): Response {
  const headers = { "Retry-After": String(DATABASE_RETRY_AFTER_SECONDS) };
  if (jsonRpc) {
    return jsonRpcError(
      c,
      503,
      JSON_RPC_ERROR.serverError,
      "Service unavailable: the database could not be reached; retry later",
      headers,
    );
  }
  return c.json(
    {
      error: "temporarily_unavailable",
      error_description: "the database could not be reached; retry later",
    },
    503,
    headers,
  );
}
