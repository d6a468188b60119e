// Serves a Hono app on a socket with Node's HTTP server, for each server's main.ts and its tests.
import type { AddressInfo } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context, Hono } from "hono";

/** The socket could not be bound: an operator's problem, told in one line rather than a stack. */
export class ListenError extends Error {
  override name = "ListenError";
}

const LISTEN_FAILURES: Record<string, string> = {
  EADDRINUSE: "is already in use (another copy of this server, or another program, holds it)",
  EACCES: "may not be used by this user (ports below 1024 need privileges)",
  EADDRNOTAVAIL: "names an address this machine does not have (check HOST)",
};

/** Starts listening; resolves once the socket is bound (port 0 picks a free port). */
export function listen(
  app: Pick<Hono, "fetch">,
  hostname: string,
  port: number,
): Promise<{ server: ServerType; port: number }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname, port }, (info: AddressInfo) =>
      resolve({ server, port: info.port }),
    );
    server.once("error", (error: NodeJS.ErrnoException) => {
      const reason = error.code === undefined ? undefined : LISTEN_FAILURES[error.code];
      reject(reason ? new ListenError(`${hostname}:${port} ${reason}.`, { cause: error }) : error);
    });
  });
}

/**
 * The peer address of the connection a request came in on (for rate limits, audit rows and request logs);
 * undefined for a request that never touched a socket, such as `app.request()` in a test.
 */
export function clientAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}
