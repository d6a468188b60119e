// Names every request: the id the proxy in front gave it (`X-Request-Id`), or a new one, echoed in the
// response and carried through the request's work (request-context.ts) to log lines and audit rows,
// so one id finds a request in the proxy's log, each server's log and the audit tables.
import type { MiddlewareHandler } from "hono";
import { type RequestIdVariables, requestId } from "hono/request-id";
import { runInRequestContext } from "./request-context";

export const REQUEST_ID_HEADER = "X-Request-Id";

/**
 * Longest id taken from a request. nginx's `$request_id` is 32 hex digits and a UUID is 36; anything
 * far longer is not an id, and would make every log line and audit row that carries it as long.
 */
export const MAX_REQUEST_ID_LENGTH = 128;

/**
 * Hono's request-id middleware decides the id: the incoming one when it is 1–128 characters of
 * letters, digits, `_`, `-` and `=`, otherwise `crypto.randomUUID()`. So a value with a line break
 * (a forged log line), a space or a quote is replaced, never echoed, logged or stored.
 * The rest of the request then runs in its request context.
 */
export function requestIdentity(): MiddlewareHandler<{ Variables: RequestIdVariables }> {
  const assign = requestId({ headerName: REQUEST_ID_HEADER, limitLength: MAX_REQUEST_ID_LENGTH });
  return (c, next) =>
    assign(c, async () => {
      const id = c.get("requestId");
      await runInRequestContext({ requestId: id }, next);
      // Hono's middleware sets the header before the handler runs, which a Response the handler
      // built itself (the MCP transport's) does not carry: set again on whatever answered.
      c.header(REQUEST_ID_HEADER, id);
    });
}
