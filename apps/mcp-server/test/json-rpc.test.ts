// JSON-RPC as MCP 2025-11-25 carries it over Streamable HTTP: what this server refuses in a body, and
// the protocol errors of tools/call ("Error Handling" in server/tools), each test named after the
// attack or mistake it stops. Raw HTTP, since the SDK client would never send most of these.
import { beforeAll, describe, expect, it } from "vitest";
import { listToolCalls } from "../src/store/tool-calls";
import { listWatchlist } from "../src/store/watchlists";
import { json, postMcp, request, toolCall } from "./support/json-rpc";
import { userToken, useTestStack } from "./support/test-stack";

const stack = useTestStack();

let person: string;

beforeAll(async () => {
  person = await userToken(stack, {
    subject: "user-json-rpc",
    scopes: [
      "mcp:tools:sentiment:read",
      "mcp:data:watchlist:read",
      "mcp:data:watchlist:write",
      "mcp:operations:automation:digest",
    ],
  });
});

function auditedRows(): number {
  return listToolCalls(stack.mcp.instance.server.db, 1000).length;
}

function withId<T extends object>(message: T, id: number | string): T & { id: number | string } {
  return { ...message, id };
}

describe("duplicate request ids in a batch", () => {
  it("refuses a batch whose ping reuses a tool call's id, so no result is silently dropped", async () => {
    const before = auditedRows();
    const response = await postMcp(
      stack.mcp.resource,
      [
        withId(toolCall("analyze_sentiment", { text: "Shares soared" }), 7),
        withId(request("ping"), 7),
      ],
      { token: person },
    );
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: { code: -32600, message: "Invalid Request: duplicate request id 7 in a batch" },
    });
    // Refused before anything ran or was weighed.
    expect(auditedRows()).toBe(before);
  });

  it("refuses a batch of writes that share ids, so none runs unaudited or is audited as another's outcome", async () => {
    const before = auditedRows();
    const response = await postMcp(
      stack.mcp.resource,
      [
        withId(toolCall("watchlist_add", { ticker: "HLVR" }), 7),
        withId(toolCall("watchlist_add", { ticker: "SNMR" }), 7),
        withId(toolCall("schedule_digest", { cadence: "daily", tickers: ["NOPE"] }), 9),
        withId(request("ping"), 9),
      ],
      { token: person },
    );
    expect(response.status).toBe(400);
    expect((await json(response)).error.code).toBe(-32600);
    expect(listWatchlist(stack.mcp.instance.server.db, "user-json-rpc")).toEqual([]);
    expect(auditedRows()).toBe(before);
  });

  it('refuses a string id used twice, but not 7 beside "7" (distinct JSON-RPC ids)', async () => {
    const twice = await postMcp(
      stack.mcp.resource,
      [withId(request("ping"), "a"), withId(request("ping"), "a")],
      { token: person },
    );
    expect(twice.status).toBe(400);
    expect((await json(twice)).error.message).toBe(
      'Invalid Request: duplicate request id "a" in a batch',
    );
    const distinct = await postMcp(
      stack.mcp.resource,
      [withId(request("ping"), 7), withId(request("ping"), "7")],
      { token: person },
    );
    expect(distinct.status).toBe(200);
    expect((await json(distinct)).map((answer: { id: unknown }) => answer.id)).toEqual([7, "7"]);
  });
});

describe("batches and the protocol version", () => {
  it.each(["2025-06-18", "2025-11-25"])(
    "refuses a batch declared as MCP %s, whose POST body must be a single message",
    async (version) => {
      const before = auditedRows();
      const response = await postMcp(
        stack.mcp.resource,
        [toolCall("analyze_sentiment", { text: "Shares soared" }), request("ping")],
        { token: person, headers: { "MCP-Protocol-Version": version } },
      );
      expect(response.status).toBe(400);
      expect(await json(response)).toEqual({
        jsonrpc: "2.0",
        id: null,
        error: {
          code: -32600,
          message: `Invalid Request: MCP ${version} carries one JSON-RPC message per POST, not a batch`,
        },
      });
      expect(auditedRows()).toBe(before);
    },
  );

  it("still serves a batch from a 2025-03-26 client, with or without the version header", async () => {
    const declared: Record<string, string>[] = [{ "MCP-Protocol-Version": "2025-03-26" }, {}];
    for (const headers of declared) {
      const response = await postMcp(stack.mcp.resource, [request("ping"), request("ping")], {
        token: person,
        headers,
      });
      expect(response.status).toBe(200);
      expect(await json(response)).toHaveLength(2);
    }
  });

  it("serves a single message declared as MCP 2025-11-25", async () => {
    const response = await postMcp(stack.mcp.resource, request("ping"), {
      token: person,
      headers: { "MCP-Protocol-Version": "2025-11-25" },
    });
    expect(response.status).toBe(200);
    expect((await json(response)).result).toEqual({});
  });
});
