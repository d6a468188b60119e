// RFC 9112 §9.3, §9.6: every body is read before routing, so an early answer keeps the connection.
import { IncomingMessage } from "node:http";
import type { Context, HonoRequest, MiddlewareHandler } from "hono";

/** What the app accepts, and how it refuses the rest. */
export interface ReadRequestBodyOptions {
  /** The largest body any route of the app accepts; routes may set smaller limits of their own. */
  maxBytes: number;
  /**
   * How much of a body over `maxBytes` is still read and thrown away so that the connection can
   * carry the next request. Reading a few more KiB costs less than a new connection; beyond this
   * the connection is closed instead.
   */
  drainBytes?: number;
  /** The app's own error response for a body over `maxBytes` (413 in its error format). */
  onTooLarge: (c: Context, maxBytes: number) => Response | Promise<Response>;
}

export const DEFAULT_DRAIN_BYTES = 1024 * 1024;

const bodyLengths = new WeakMap<HonoRequest, number>();

/** The size in bytes of the request's body, read into memory by readRequestBody (0: none). */
export function requestBodyLength(c: Context): number {
  return bodyLengths.get(c.req) ?? 0;
}

/** The Node request under @hono/node-server (undefined under `app.request`, which has none). */
function nodeIncoming(c: Context): IncomingMessage | undefined {
  const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
  return incoming instanceof IncomingMessage ? incoming : undefined;
}

const utf8 = new TextDecoder();

/** The declared length of a body sent with Content-Length (not chunked), if it is a valid one. */
function declaredLength(c: Context): number | undefined {
  if (c.req.header("transfer-encoding") !== undefined) return undefined;
  const value = c.req.header("content-length");
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

type BodyReading =
  | { outcome: "complete"; body: Uint8Array }
  | { outcome: "too_large"; connectionReusable: boolean }
  | { outcome: "incomplete" };

async function readBody(
  stream: ReadableStream<Uint8Array>,
  maxBytes: number,
  drainBytes: number,
): Promise<BodyReading> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > drainBytes) {
        void reader.cancel().catch(() => {});
        return { outcome: "too_large", connectionReusable: false };
      }
      // Past maxBytes the bytes are only counted: the body will be refused, but read to its end.
      if (size <= maxBytes) chunks.push(value);
    }
  } catch {
    // The client went away mid-body; nobody is left to read an answer.
    return { outcome: "incomplete" };
  }
  if (size > maxBytes) return { outcome: "too_large", connectionReusable: true };
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { outcome: "complete", body };
}

/**
 * Why this exists (issue 10: 1.4 % of a malformed-request stream over keep-alive ended in
 * UND_ERR_SOCKET "other side closed"). An HTTP/1.1 connection carries its next request only after the
 * last byte of the previous one's body. Node's HTTP server reads and discards a body nobody read once
 * the response has been sent, but only if nothing has started reading it. @hono/node-server wraps the
 * body in a web stream the moment anyone touches `Request.body` — hono's `bodyLimit` does, to check
 * whether there is one — and that stream pulls from the socket with backpressure. An answer sent
 * before the body was read (a 413 on Content-Length alone, a 429, a 400 on a bad header) left the rest
 * of a large body in that stalled stream: Node no longer discarded it, and @hono/node-server's own
 * clean-up, blocked by the same backpressure, gave up after 500 ms and destroyed the socket. The
 * response had said keep-alive, so the client had already sent its next request on that socket, and
 * that request got no answer.
 *
 * So the body is read here, before routing, and every route sees it in memory: whatever a route
 * answers, the connection is at a request boundary. A body up to `drainBytes` is read to its end even
 * when it is too large to keep, so the connection stays usable; one that declares or turns out to be
 * larger is refused with `Connection: close` (RFC 9110 §15.5.14: "the server MAY close the
 * connection"), so no client sends another request on a connection the server is about to close.

 *
 * The first middleware of an app.
 */
export function readRequestBody(options: ReadRequestBodyOptions): MiddlewareHandler {
  const { maxBytes, onTooLarge } = options;
  const drainBytes = Math.max(options.drainBytes ?? DEFAULT_DRAIN_BYTES, maxBytes);
  const refuse = async (c: Context, connectionReusable: boolean) => {
    const response = await onTooLarge(c, maxBytes);
    if (!connectionReusable) response.headers.set("Connection", "close");
    return response;
  };
  return async (c, next) => {
    const declared = declaredLength(c);
    const incoming = nodeIncoming(c);
    // RFC 9112 §6.3: a request with neither Content-Length nor Transfer-Encoding has no body. Not
    // touching `Request.body` then matters for speed: under @hono/node-server that getter builds a
    // whole undici Request, which the token endpoint's profile showed among its largest costs.
    // (A Request made in-process, by `app.request`, carries no such headers: it is looked at.)
    if (incoming !== undefined) {
      const chunked = c.req.header("transfer-encoding") !== undefined;
      if (declared === 0 || (declared === undefined && !chunked)) return next();
    }
    // A declared length over the drain allowance is refused before a byte of it is read.
    if (declared !== undefined && declared > drainBytes) return refuse(c, false);
    if (declared !== undefined && declared <= maxBytes && incoming !== undefined) {
      // Node's parser ends the body at the declared length, so it cannot grow past maxBytes:
      // @hono/node-server reads it straight from the socket, without a web stream.
      let bytes: ArrayBuffer;
      try {
        bytes = await c.req.arrayBuffer();
      } catch {
        return c.body(null, 400, { Connection: "close" });
      }
      // Every reader of the app goes through c.req.text() / json(): hono answers them from its cache,
      // which holds promises at run time (its type names the resolved values).
      (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve(utf8.decode(bytes));
      bodyLengths.set(c.req, bytes.byteLength);
      return next();
    }
    const stream = c.req.raw.body;
    if (stream === null) return next();
    const reading = await readBody(stream, maxBytes, drainBytes);
    if (reading.outcome === "incomplete") return c.body(null, 400, { Connection: "close" });
    if (reading.outcome === "too_large") return refuse(c, reading.connectionReusable);
    c.req.raw = new Request(c.req.raw, { body: reading.body });
    bodyLengths.set(c.req, reading.body.byteLength);
    return next();
  };
}
