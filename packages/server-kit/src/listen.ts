// Binds a Hono app to a socket with Node's HTTP server, for each server's main.ts and its tests.
import type { AddressInfo } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import type { Hono } from "hono";

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
    server.once("error", reject);
  });
}
