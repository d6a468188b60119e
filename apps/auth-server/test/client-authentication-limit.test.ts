// FAILED_CLIENT_AUTH_LIMIT: failed client authentication is limited per address and per client id.
import Database from "better-sqlite3";
import { count, eq } from "drizzle-orm";
import { Agent, fetch as fetchFrom } from "undici";
import { afterAll, describe, expect, it } from "vitest";
import {
  basicAuthorization,
  DEMO_BATCH,
  form,
  json,
  MCP_RESOURCE,
  type TestAuthServer,
  useTestAuthServer,
} from "./support/test-server";

const LIMIT = 20;

/** Other loopback source addresses (Linux routes all of 127/8), to act as other machines. */
const agents = new Map<string, Agent>();
function from(address: string): Agent {
  let agent = agents.get(address);
  if (!agent) {
    agent = new Agent({ localAddress: address });
    agents.set(address, agent);
  }
  return agent;
}
afterAll(async () => {
  await Promise.all([...agents.values()].map((agent) => agent.close()));
});

function clientCredentials(
  server: TestAuthServer,
  clientSecret: string,
  options: { address?: string; endpoint?: "/token" | "/revoke" | "/introspect" } = {},
) {
  const endpoint = options.endpoint ?? "/token";
  const request = form(
    endpoint === "/token"
      ? { grant_type: "client_credentials", resource: MCP_RESOURCE }
      : { token: "not-a-token" },
  );
  return fetchFrom(server.url(endpoint), {
    method: "POST",
    headers: {
      ...request.headers,
      Authorization: basicAuthorization(DEMO_BATCH.clientId, clientSecret),
    },
    body: request.body,
    dispatcher: from(options.address ?? "127.0.0.1"),
  });
}

async function auditRows(server: TestAuthServer, event?: string): Promise<number> {
  const [row] = await server.instance.server.store.run(({ db, tables: { auditEvents } }) =>
    db
      .select({ total: count() })
      .from(auditEvents)
      .where(event === undefined ? undefined : eq(auditEvents.event, event)),
  );
  return row?.total ?? 0;
}

/** The SQLite file's size in pages, read on a connection of its own. */
function databasePages(server: TestAuthServer): number {
  const sqlite = new Database(server.databasePath, { readonly: true });
  try {
    return (sqlite.pragma("page_count", { simple: true }) as number) ?? 0;
  } finally {
    sqlite.close();
  }
}

describe("a loop of bad client secrets", () => {
  const server = useTestAuthServer({ FAILED_CLIENT_AUTH_LIMIT: String(LIMIT) });

  it("a loop of bad client secrets cannot brute-force the secret nor fill the audit log", async () => {
    const rowsBefore = await auditRows(server);
    const pagesBefore = databasePages(server);
    const statuses: number[] = [];
    // 2,000 guesses, 50 in flight at a time: the address is counted before each comparison, so a
    // burst cannot slip past the limit.
    for (let batch = 0; batch < 40; batch++) {
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, index) =>
          clientCredentials(server, `guess-${batch}-${index}`),
        ),
      );
      for (const response of responses) {
        statuses.push(response.status);
        if (response.status === 429) {
          const retryAfter = Number(response.headers.get("retry-after"));
          expect(retryAfter).toBeGreaterThan(0);
          expect(retryAfter).toBeLessThanOrEqual(900);
          expect(await response.json()).toMatchObject({ error: "temporarily_unavailable" });
        } else {
          expect(await response.json()).toMatchObject({ error: "invalid_client" });
        }
      }
    }
    expect(statuses.filter((status) => status === 401)).toHaveLength(LIMIT);
    expect(statuses.filter((status) => status === 429)).toHaveLength(2000 - LIMIT);

    // Once throttled, the right secret from this address is refused too: the loop cannot tell a hit.
    expect((await clientCredentials(server, DEMO_BATCH.clientSecret)).status).toBe(429);

    // The bound: one row per counted failure and one saying the address was throttled.
    expect(await auditRows(server, "client.authentication_failed")).toBe(LIMIT);
    expect(await auditRows(server, "client.authentication_throttled")).toBe(1);
    expect((await auditRows(server)) - rowsBefore).toBe(LIMIT + 1);
    // 2,000 audit rows would be some 100 pages of 4 KiB; 21 fit in a handful.
    expect(databasePages(server) - pagesBefore).toBeLessThanOrEqual(8);
  });
});

describe("honest traffic", () => {
  const server = useTestAuthServer({ FAILED_CLIENT_AUTH_LIMIT: String(LIMIT) });

  it("serves 50 parallel token requests with the right secret from one address (only failures count)", async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => clientCredentials(server, DEMO_BATCH.clientSecret)),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
  });

  it("counts malformed credentials against the address, so they cannot fill the log either", async () => {
    const address = "127.0.0.9";
    const statuses: number[] = [];
    for (let attempt = 0; attempt < LIMIT + 5; attempt++) {
      const response = await fetchFrom(server.url("/token"), {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: "Basic !!" },
        body: "grant_type=client_credentials",
        dispatcher: from(address),
      });
      statuses.push(response.status);
    }
    expect(statuses.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(400));
    expect(statuses.slice(LIMIT)).toEqual(Array(5).fill(429));
    const [rejected] = await server.instance.server.store.run(({ db, tables: { auditEvents } }) =>
      db.select({ total: count() }).from(auditEvents).where(eq(auditEvents.ipAddress, address)),
    );
    expect(rejected?.total).toBe(LIMIT + 1);
  });
});

describe("the per client id limit", () => {
  const server = useTestAuthServer({ FAILED_CLIENT_AUTH_LIMIT: String(LIMIT) });

  it("stops failures spread over many addresses on one client id, without locking its owner out (denial of service)", async () => {
    // Five machines, eight bad secrets each: under every address's limit, over the client id's.
    const statuses: number[] = [];
    for (const address of ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6"]) {
      for (let attempt = 0; attempt < 8; attempt++) {
        statuses.push((await clientCredentials(server, `guess-${attempt}`, { address })).status);
      }
    }
    expect(statuses.filter((status) => status === 401)).toHaveLength(LIMIT);
    expect(statuses.filter((status) => status === 429)).toHaveLength(40 - LIMIT);
    expect(await auditRows(server, "client.authentication_failed")).toBe(LIMIT);
    expect(await auditRows(server, "client.authentication_throttled")).toBe(1);

    // The owner still gets its token: failures others sent under its id do not count against it.
    const owner = await clientCredentials(server, DEMO_BATCH.clientSecret, {
      address: "127.0.0.7",
    });
    expect(owner.status).toBe(200);
    expect((await json(owner)).access_token).toBeTypeOf("string");
  });
});

describe("/revoke and /introspect", () => {
  const server = useTestAuthServer({ FAILED_CLIENT_AUTH_LIMIT: String(LIMIT) });

  it("counts failed client authentication at /revoke and /introspect like /token", async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < LIMIT + 5; attempt++) {
      const endpoint = attempt % 2 === 0 ? "/revoke" : "/introspect";
      statuses.push((await clientCredentials(server, `guess-${attempt}`, { endpoint })).status);
    }
    expect(statuses.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(401));
    expect(statuses.slice(LIMIT)).toEqual(Array(5).fill(429));
    expect(await auditRows(server, "client.authentication_failed")).toBe(LIMIT);
    expect(await auditRows(server, "client.authentication_throttled")).toBe(1);
  });
});
