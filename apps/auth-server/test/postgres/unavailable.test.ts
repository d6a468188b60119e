// PostgreSQL going away: requests get 503 with Retry-After and an OAuth error body, the server logs a
// line and keeps running, and it serves again once the database is back. The shared PostgreSQL is
// never stopped: the replica reaches it through a loopback TCP relay that the test closes, which from
// the server's side is PostgreSQL becoming unreachable (new connections refused, open ones cut).
import { createServer, type Server, Socket } from "node:net";
import { isDatabaseUnavailable } from "@repo/server-kit/store";
import { createTestDatabase, type TestDatabase } from "@repo/server-kit/testing/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";
import { createAuthServer } from "../../src/server";
import { introspect } from "../support/authorization";
import {
  json,
  requestClientCredentialsToken,
  startTestAuthServer,
  type TestAuthServer,
} from "../support/test-server";
import { services } from "./replicas";

/** Relays loopback connections to PostgreSQL until closed; can listen again on the same port. */
class Relay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = new Socket();
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => socket.destroy());
      }
      upstream.connect(this.target.port, this.target.host);
      client.pipe(upstream).pipe(client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    const address = server.address();
    if (address && typeof address === "object") this.port = address.port;
    this.server = server;
  }

  /** Refuses new connections and cuts the open ones, as a stopped or unreachable server does. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe.runIf(services)("PostgreSQL unreachable", () => {
  let database: TestDatabase;
  let relay: Relay;
  let replica: TestAuthServer;
  const warnings: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase("auth_unavailable", services?.postgresUrl);
    const target = new URL(database.url);
    relay = new Relay({ host: target.hostname, port: Number(target.port || 5432) });
    await relay.open();
    const viaRelay = new URL(database.url);
    viaRelay.host = `127.0.0.1:${relay.port}`;
    replica = await startTestAuthServer(
      { AUTH_DATABASE_URL: viaRelay.toString() },
      { logWarning: (line) => warnings.push(line) },
    );
  });
  afterAll(async () => {
    await replica?.close();
    await relay?.close();
    await database?.drop();
  });

  it("answers 503 temporarily_unavailable with Retry-After and logs a line while it is gone, then serves again", async () => {
    const before = await requestClientCredentialsToken(replica);
    expect(before.status).toBe(200);
    const token = (await json(before)).access_token as string;

    await relay.close();
    for (const response of [
      await requestClientCredentialsToken(replica),
      await fetch(replica.url("/health")),
    ]) {
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("5");
      expect(await json(response)).toEqual({
        error: "temporarily_unavailable",
        error_description: expect.stringContaining("database"),
      });
    }
    expect(warnings.some((line) => /database unavailable.*POST \/token/.test(line))).toBe(true);
    // A 503 is not an unexpected error: nothing was reported as a 500 would be.
    expect(replica.serverErrors).toEqual([]);

    await relay.open();
    const after = await requestClientCredentialsToken(replica);
    expect(after.status).toBe(200);
    expect((await introspect(replica, token)).active).toBe(true);
  });

  it("refuses to start, with an error that says the database is unreachable, on a closed port", async () => {
    const closed = new URL(database.url);
    closed.host = `127.0.0.1:${await closedPort()}`;
    const config = loadConfig({ NODE_ENV: "test", AUTH_DATABASE_URL: closed.toString() });
    const error = await createAuthServer(config).catch((caught: unknown) => caught);
    expect(isDatabaseUnavailable(error)).toBe(true);
  });
});

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return address && typeof address === "object" ? address.port : 1;
}
