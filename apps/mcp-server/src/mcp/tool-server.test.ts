// The second line of defence: each tool re-checks its scope and its need for a person, so a call that
// reaches it some other way than through the HTTP layer's check is still refused.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import { TOOL_NAMES, type ToolName } from "@repo/scopes";
import { afterEach, describe, expect, it } from "vitest";
import { type McpStore, openMcpStore } from "../db/database";
import { listToolCalls, recordToolCall } from "../store/tool-calls";
import type { Caller } from "../tools/caller";
import { ToolCallAudit } from "./tool-call-audit";
import { connectToolServer, createToolServer, listTools } from "./tool-server";

const NOW = new Date("2030-01-01T00:00:00Z");

/** Arguments each tool accepts, so the refusal tested is the scope's, not the input schema's. */
const VALID_ARGUMENTS: Record<ToolName, Record<string, unknown>> = {
  analyze_sentiment: { text: "Shares rallied" },
  analyze_headlines: { headlines: ["Shares rallied"] },
  get_ticker_sentiment: { ticker: "HLVR" },
  compare_tickers: { tickers: ["HLVR", "SNMR"] },
  get_sentiment_history: { ticker: "HLVR" },
  list_news: {},
  climate_risk_sentiment: {},
  whoami: {},
  watchlist_list: {},
  watchlist_add: { ticker: "HLVR" },
  watchlist_remove: { ticker: "HLVR" },
  schedule_digest: { cadence: "daily", tickers: ["HLVR"] },
};

function callerWith(scopes: string[], overrides: Partial<Caller> = {}): Caller {
  return {
    subject: "user-1",
    clientId: "client-1",
    scopes,
    ignoredScopes: [],
    scope: scopes.join(" "),
    issuer: "http://localhost:4000",
    audience: ["http://localhost:4100/mcp"],
    issuedAt: NOW,
    expiresAt: new Date(NOW.getTime() + 600_000),
    actsForUser: true,
    ...overrides,
  };
}

let store: McpStore | undefined;
afterEach(() => store?.close());

function openedStore(): McpStore {
  if (store === undefined) throw new Error("connect() first");
  return store;
}

/** The newest audit row. */
async function lastAudited() {
  const [row] = await openedStore().run((x) => listToolCalls(x, 1));
  return row;
}

async function connect(caller: Caller): Promise<Client> {
  const opened = await openMcpStore({ database: { url: ":memory:" } });
  store = opened;
  const audit = new ToolCallAudit(
    caller,
    (entry) => opened.run((x) => recordToolCall(x, entry)),
    () => NOW,
  );
  const server = createToolServer(caller, audit, {
    store: opened,
    clock: () => NOW,
    validator: new AjvJsonSchemaValidator(),
    reportError: (error) => {
      throw error;
    },
  });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await connectToolServer(server, serverTransport, audit, (error) => {
    throw error;
  });
  const client = new Client({ name: "in-memory", version: "1.0.0" });
  await client.connect(clientTransport);
  return client;
}

describe("the in-tool checks", () => {
  it.each(TOOL_NAMES)("%s refuses a token without its scope", async (name) => {
    const client = await connect(callerWith([]));
    const result = await client.callTool({ name, arguments: VALID_ARGUMENTS[name] });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(
      /requires the scope mcp:[a-z:-]+, which this access token does not grant/,
    );
    expect(await lastAudited()).toMatchObject({ tool: name, outcome: "denied", subject: "user-1" });
  });

  it("refuses a person's tool for a token without a person, even with the scope", async () => {
    const client = await connect(
      callerWith(["mcp:data:watchlist:write"], {
        subject: "batch",
        clientId: "batch",
        actsForUser: false,
      }),
    );
    const result = await client.callTool({ name: "watchlist_add", arguments: { ticker: "HLVR" } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/needs an access token issued to a user/);
  });

  it.each(["mcp:*", "mcp:operations:*", "*"])(
    "refuses every tool to a token whose only scope is the unknown wildcard %s",
    async (wildcard) => {
      const client = await connect(callerWith([wildcard]));
      for (const name of TOOL_NAMES) {
        const result = await client.callTool({ name, arguments: VALID_ARGUMENTS[name] });
        expect(result.isError, name).toBe(true);
        expect(JSON.stringify(result.content)).toMatch(/which this access token does not grant/);
      }
    },
  );

  it("lets a wildcard scope through where the catalogue's scope falls under it", async () => {
    const client = await connect(callerWith(["mcp:operations:automation:*"]));
    const result = await client.callTool({
      name: "schedule_digest",
      arguments: { cadence: "daily", tickers: ["HLVR"] },
    });
    expect(result.isError).toBeUndefined();
  });
});

describe("the tools/list answer computed once", () => {
  it("is what the SDK lists for a server built afresh", async () => {
    const fresh = await connect(callerWith([]));
    const computed = await listTools({
      store: openedStore(),
      clock: () => NOW,
      validator: new AjvJsonSchemaValidator(),
      reportError: (error) => {
        throw error;
      },
    });
    expect(computed).toEqual(await fresh.listTools());
    expect(computed.tools).toHaveLength(TOOL_NAMES.length);
  });
});

describe("tools/call protocol errors", () => {
  it("answers an unknown tool with a JSON-RPC error however the server is reached, and audits it", async () => {
    const client = await connect(callerWith(["mcp:tools:sentiment:read"]));
    await expect(client.callTool({ name: "no_such_tool", arguments: {} })).rejects.toMatchObject({
      code: -32602,
    });
    expect(await lastAudited()).toMatchObject({
      tool: "no_such_tool",
      outcome: "error",
      error: "Unknown tool: no_such_tool",
    });
  });
});
