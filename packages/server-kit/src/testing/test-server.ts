// Real servers for protocol tests: real HTTP on an ephemeral loopback port, started once per test
// file. A server's public URL (its issuer, its MCP resource) must name its port, so the port is bound
// before the server is built and the app is attached once it exists.
import type { Hono } from "hono";
import { afterAll, beforeAll } from "vitest";
import { listen } from "../listen";

export interface LoopbackListener {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** From now on, requests go to `app`; before, they are answered 503. */
  attach(app: Pick<Hono, "fetch">): void;
  /** Stops listening and drops open (keep-alive) connections. */
  close(): Promise<void>;
}

export async function listenOnLoopback(): Promise<LoopbackListener> {
  let app: Pick<Hono, "fetch"> | undefined;
  const { server, port } = await listen(
    {
      fetch: (request, env, context) =>
        app ? app.fetch(request, env, context) : new Response("starting", { status: 503 }),
    },
    "127.0.0.1",
    0,
  );
  return {
    origin: `http://127.0.0.1:${port}`,
    attach: (attached) => {
      app = attached;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ("closeAllConnections" in server) server.closeAllConnections();
      }),
  };
}

/**
 * One `start()`ed value for the whole test file: started before the first test, `stop`ped after the
 * last. The returned object forwards to it, so tests read `server.url(…)` as if it were the server.
 */
export function usePerTestFile<T extends object>(
  what: string,
  start: () => Promise<T>,
  stop: (started: T) => Promise<void>,
): T {
  let current: T | undefined;
  beforeAll(async () => {
    current = await start();
  });
  afterAll(async () => {
    if (current) await stop(current);
  });
  return new Proxy({} as T, {
    get: (_, property) => {
      if (!current) throw new Error(`${what} is not running (use it inside a test)`);
      return Reflect.get(current, property);
    },
  });
}
