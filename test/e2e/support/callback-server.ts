// The OAuth client's redirect URI: a real loopback HTTP server, as a native MCP client runs (RFC 8252 §7.3).
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface CallbackServer {
  /** `http://127.0.0.1:<port>/callback` */
  redirectUri: string;
  /** This server's origin, which is another origin than the web app's: used to host a forged form. */
  origin: string;
  /** The query of every request that reached /callback, in order. */
  received: URLSearchParams[];
  /** Resolves with the next callback's query; rejects if none arrives within `timeoutMs`. */
  nextCallback(timeoutMs?: number): Promise<URLSearchParams>;
  /** Serves `html` at `path`, for pages an attacker would host. */
  host(path: string, html: string): void;
  close(): Promise<void>;
}

export async function startCallbackServer(): Promise<CallbackServer> {
  const received: URLSearchParams[] = [];
  const waiting: ((query: URLSearchParams) => void)[] = [];
  const pages = new Map<string, string>();
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/callback") {
      received.push(url.searchParams);
      waiting.shift()?.(url.searchParams);
      return send(response, 200, "<!doctype html><title>Done</title><p>You can close this window.");
    }
    const page = pages.get(url.pathname);
    return page === undefined ? send(response, 404, "not found") : send(response, 200, page);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    redirectUri: `${origin}/callback`,
    origin,
    received,
    nextCallback: (timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const waiter = (query: URLSearchParams) => {
          clearTimeout(timer);
          resolve(query);
        };
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(waiter), 1);
          reject(new Error(`no request reached the redirect URI within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.push(waiter);
      }),
    host: (path, html) => {
      pages.set(path, html);
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(response: ServerResponse, status: number, html: string) {
  response.writeHead(status, { "Content-Type": "text/html; charset=utf-8" });
  response.end(html);
}
