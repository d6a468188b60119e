// PostgreSQL going away under a running replica: every request that needs it gets 503 with Retry-After
// and a log line (never a 500, never a tool call that seemed to work), and service resumes once the
// database is back. The replica reaches PostgreSQL through a TCP relay on loopback; closing the relay
// leaves its store pointed at a closed port.
import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";
import { createTestDatabase, type TestDatabase } from "@repo/server-kit/testing/postgres";
import { sharedServicesForTests } from "@repo/server-kit/testing/services";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATABASE_RETRY_AFTER_SECONDS, isStoreUnavailable } from "../../src/http/unavailable";
import { json, postMcp, toolCall } from "../support/json-rpc";
import { type Replicas, startReplicas } from "../support/replicas";

const services = await sharedServicesForTests("the MCP server's PostgreSQL outage tests");

/** Forwards loopback connections to PostgreSQL until closed; then its port refuses them. */
class Relay {
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async open(port = 0): Promise<void> {
    const server = createServer((client) => {
      const upstream = tcpConnect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on("close", () => this.#sockets.delete(socket));
        socket.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.#server = server;
    const address = server.address();
    this.port = typeof address === "object" && address !== null ? address.port : 0;
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

describe.runIf(services)("a replica whose PostgreSQL becomes unreachable", () => {
  let database: TestDatabase;
  let relay: Relay;
  let cluster: Replicas;
  let token: string;

  beforeAll(async () => {
    database = await createTestDatabase("mcp_unavailable", services?.postgresUrl);
    const url = new URL(database.url);
    relay = new Relay({ host: url.hostname, port: Number(url.port || 5432) });
    await relay.open();
    url.hostname = "127.0.0.1";
    url.port = String(relay.port);
    cluster = await startReplicas(1, {
      MCP_DATABASE_URL: url.toString(),
      DATABASE_POOL_SIZE: "2",
    });
    token = await cluster.userToken("outage", [
      "mcp:data:watchlist:read",
      "mcp:data:watchlist:write",
    ]);
  });
  afterAll(async () => {
    await cluster?.close();
    await relay?.close();
    await database?.drop();
  });

  const replica = () => cluster.replicas[0] ?? expect.fail("no replica");

  it("serves while the database answers", async () => {
    const response = await postMcp(replica().url, toolCall("watchlist_add", { ticker: "HLVR" }), {
      token,
    });
    expect(response.status).toBe(200);
  });

  it("answers a tool call with 503, Retry-After and a JSON-RPC error once the port is closed, and logs it", async () => {
    await relay.close();
    replica().serverErrors.length = 0;
    const response = await postMcp(replica().url, toolCall("watchlist_list"), { token });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe(String(DATABASE_RETRY_AFTER_SECONDS));
    expect(await json(response)).toEqual({
      jsonrpc: "2.0",
      error: { code: -32000, message: expect.stringMatching(/database/) },
      id: null,
    });
    expect(replica().serverErrors.length).toBeGreaterThan(0);
    expect(replica().serverErrors.some(isStoreUnavailable)).toBe(true);
  });

  it("answers a refusal it cannot put on record with 503 too, not a 403 that went unaudited", async () => {
    const unscoped = await cluster.userToken("outage", ["mcp:tools:sentiment:read"]);
    const response = await postMcp(replica().url, toolCall("watchlist_list"), { token: unscoped });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe(String(DATABASE_RETRY_AFTER_SECONDS));
  });

  it("fails its health check with 503 and Retry-After", async () => {
    const response = await fetch(new URL("/health", replica().url));
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe(String(DATABASE_RETRY_AFTER_SECONDS));
    expect(await json(response)).toMatchObject({ error: "temporarily_unavailable" });
  });

  it("serves again once the database is back, with what it held before", async () => {
    await relay.open(relay.port);
    const response = await postMcp(replica().url, toolCall("watchlist_list"), { token });
    expect(response.status).toBe(200);
    const { result } = await json(response);
    expect(result.structuredContent.items.map((item: { ticker: string }) => item.ticker)).toEqual([
      "HLVR",
    ]);
  });
});
