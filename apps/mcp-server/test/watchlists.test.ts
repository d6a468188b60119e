// A person's data is reached only through their own token's `sub`: two people's lists never mix.
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { NEWS_DATASET } from "@repo/sentiment";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAutomationJobs } from "../src/store/automation-jobs";
import { connectClient, userToken, useTestStack } from "./support/test-stack";

const stack = useTestStack();

const WATCHLIST_SCOPES = [
  "mcp:data:watchlist:read",
  "mcp:data:watchlist:write",
  "mcp:operations:automation:digest",
];
const [ALICE_TICKER = "", BOB_TICKER = "", SHARED_TICKER = ""] = NEWS_DATASET.companies.map(
  (company) => company.ticker,
);

let alice: Client;
let bob: Client;
let aliceOnOtherApp: Client;

beforeAll(async () => {
  alice = await connectClient(
    stack,
    await userToken(stack, { subject: "alice", clientId: "app-one", scopes: WATCHLIST_SCOPES }),
  );
  bob = await connectClient(
    stack,
    await userToken(stack, { subject: "bob", clientId: "app-one", scopes: WATCHLIST_SCOPES }),
  );
  aliceOnOtherApp = await connectClient(
    stack,
    await userToken(stack, { subject: "alice", clientId: "app-two", scopes: WATCHLIST_SCOPES }),
  );
});

afterAll(async () => {
  for (const client of [alice, bob, aliceOnOtherApp]) await client?.close();
});

async function tickersOf(client: Client): Promise<string[]> {
  const result = await client.callTool({ name: "watchlist_list", arguments: {} });
  const { items } = result.structuredContent as { items: { ticker: string }[] };
  return items.map((item) => item.ticker);
}

describe("watchlists of two people", () => {
  it("never show one person's tickers to the other, even through the same app", async () => {
    await alice.callTool({ name: "watchlist_add", arguments: { ticker: ALICE_TICKER } });
    await alice.callTool({ name: "watchlist_add", arguments: { ticker: SHARED_TICKER } });
    await bob.callTool({ name: "watchlist_add", arguments: { ticker: BOB_TICKER } });
    await bob.callTool({ name: "watchlist_add", arguments: { ticker: SHARED_TICKER } });
    expect(await tickersOf(alice)).toEqual([ALICE_TICKER, SHARED_TICKER]);
    expect(await tickersOf(bob)).toEqual([BOB_TICKER, SHARED_TICKER]);
  });

  it("do not let one person remove a ticker from the other's list", async () => {
    const result = await bob.callTool({
      name: "watchlist_remove",
      arguments: { ticker: SHARED_TICKER },
    });
    expect(result.structuredContent).toMatchObject({ status: "removed" });
    const notBobs = await bob.callTool({
      name: "watchlist_remove",
      arguments: { ticker: ALICE_TICKER },
    });
    expect(notBobs.structuredContent).toMatchObject({ status: "not_present" });
    expect(await tickersOf(alice)).toEqual([ALICE_TICKER, SHARED_TICKER]);
    expect(await tickersOf(bob)).toEqual([BOB_TICKER]);
  });

  it("follow the person, not the app: the same person sees one list from every app", async () => {
    expect(await tickersOf(aliceOnOtherApp)).toEqual(await tickersOf(alice));
  });

  it("keep digests per person, each covering only that person's watchlist", async () => {
    await alice.callTool({ name: "schedule_digest", arguments: { cadence: "daily" } });
    await bob.callTool({ name: "schedule_digest", arguments: { cadence: "weekly" } });
    const { store } = stack.mcp.instance.server;
    const jobsOf = (subject: string) => store.run((x) => listAutomationJobs(x, subject));
    expect((await jobsOf("alice")).map((job) => job.tickers)).toEqual([
      [ALICE_TICKER, SHARED_TICKER],
    ]);
    expect((await jobsOf("bob")).map((job) => [job.cadence, job.tickers])).toEqual([
      ["weekly", [BOB_TICKER]],
    ]);
  });
});
