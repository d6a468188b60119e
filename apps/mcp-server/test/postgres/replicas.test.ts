// Two replicas of the MCP server on one PostgreSQL database, each serving on its own loopback port:
// they start together on an empty database, share per-person limits exactly, and every tool call on
// either one is on record.

import { NEWS_DATASET } from "@repo/sentiment";
import { createTestDatabase, type TestDatabase } from "@repo/server-kit/testing/postgres";
import { sharedServicesForTests } from "@repo/server-kit/testing/services";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_AUTOMATION_JOBS } from "../../src/store/automation-jobs";
import { addToWatchlist, listWatchlist, MAX_WATCHLIST_ITEMS } from "../../src/store/watchlists";
import { json, postMcp, toolCall } from "../support/json-rpc";
import { type Replicas, startReplicas } from "../support/replicas";

const services = await sharedServicesForTests("the MCP server's PostgreSQL replica tests");

const SCOPES = [
  "mcp:data:watchlist:read",
  "mcp:data:watchlist:write",
  "mcp:operations:automation:digest",
  "mcp:tools:sentiment:read",
];

describe.runIf(services)("two replicas on one PostgreSQL database", () => {
  let database: TestDatabase;
  let cluster: Replicas;

  beforeAll(async () => {
    database = await createTestDatabase("mcp_replicas", services?.postgresUrl);
    // Both build (and so migrate) at the same moment against the empty database.
    cluster = await startReplicas(2, { MCP_DATABASE_URL: database.url, DATABASE_POOL_SIZE: "5" });
  });
  afterAll(async () => {
    for (const replica of cluster?.replicas ?? []) expect(replica.serverErrors).toEqual([]);
    await cluster?.close();
    await database?.drop();
  });

  const store = () => cluster.replicas[0]?.instance.server.store ?? expect.fail("no replica");
  const replicaUrl = (index: number) =>
    cluster.replicas[index % cluster.replicas.length]?.url ?? expect.fail("no replica");

  /** Sends each call to the replicas in turn, all at once; resolves to each call's result. */
  async function callSpread(token: string, calls: ReturnType<typeof toolCall>[]) {
    const responses = await Promise.all(
      calls.map((call, index) => postMcp(replicaUrl(index), call, { token })),
    );
    expect(responses.map((response) => response.status)).toEqual(calls.map(() => 200));
    return Promise.all(responses.map(async (response) => (await json(response)).result));
  }

  it("both start on the empty database, and the migrations ran once", async () => {
    expect(cluster.replicas).toHaveLength(2);
    for (const replica of cluster.replicas) {
      const health = await fetch(new URL("/health", replica.url));
      expect(health.status).toBe(200);
    }
    const journal = await store().run(({ db }) =>
      db.execute(sql`select count(*)::int as applied from drizzle.mcp_server_migrations`),
    );
    expect(journal.rows[0]).toEqual({ applied: 1 });
  });

  it(`hold one person's watchlist at exactly ${MAX_WATCHLIST_ITEMS} when additions race on both replicas`, async () => {
    // The dataset covers fewer companies than a list holds, so the list starts nearly full: the
    // last few places are what the replicas race for.
    const tickers = NEWS_DATASET.companies.map((company) => company.ticker);
    const room = 5;
    expect(tickers.length).toBeGreaterThan(room * 2);
    for (let index = 0; index < MAX_WATCHLIST_ITEMS - room; index++) {
      await addToWatchlist(
        store(),
        { subject: "racer", ticker: `PRE${index}`, note: null },
        new Date(),
      );
    }
    const token = await cluster.userToken("racer", SCOPES);
    const results = await callSpread(
      token,
      tickers.map((ticker) => toolCall("watchlist_add", { ticker })),
    );
    const added = results.filter((result) => result.structuredContent?.status === "added");
    const refused = results.filter((result) => result.isError === true);
    expect(added).toHaveLength(room);
    expect(refused).toHaveLength(tickers.length - room);
    for (const result of refused) {
      expect(JSON.stringify(result.content)).toMatch(/already holds 50 tickers/);
    }
    expect(await store().run((x) => listWatchlist(x, "racer"))).toHaveLength(MAX_WATCHLIST_ITEMS);
  });

  it(`hold one person's digests at exactly ${MAX_AUTOMATION_JOBS} when scheduled on both replicas`, async () => {
    const token = await cluster.userToken("scheduler", SCOPES);
    const results = await callSpread(
      token,
      Array.from({ length: MAX_AUTOMATION_JOBS + 10 }, () =>
        toolCall("schedule_digest", { cadence: "daily", tickers: ["HLVR"] }),
      ),
    );
    expect(results.filter((result) => result.isError !== true)).toHaveLength(MAX_AUTOMATION_JOBS);
  });

  it("keep the audit row of every tool call, whichever replica answered it", async () => {
    const token = await cluster.userToken("audited", SCOPES);
    const calls = Array.from({ length: 40 }, (_, index) =>
      toolCall("analyze_sentiment", { text: `Shares rallied ${index}` }),
    );
    const results = await callSpread(token, calls);
    expect(results.every((result) => result.isError !== true)).toBe(true);
    // Answers leave only after their rows are written, so they are all there now.
    const rows = await store().run(({ db, tables: { toolCalls } }) =>
      db
        .select({ tool: toolCalls.tool, outcome: toolCalls.outcome })
        .from(toolCalls)
        .where(sql`${toolCalls.subject} = 'audited'`),
    );
    expect(rows).toHaveLength(calls.length);
    expect(rows.every((row) => row.tool === "analyze_sentiment" && row.outcome === "success")).toBe(
      true,
    );
  });
});
