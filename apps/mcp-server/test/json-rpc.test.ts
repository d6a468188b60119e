// JSON-RPC as MCP 2025-11-25 carries it over Streamable HTTP: what this server refuses in a body, and
// the protocol errors of tools/call ("Error Handling" in server/tools), each test named after the
// attack or mistake it stops. Raw HTTP, since the SDK client would never send most of these.
import { beforeAll, describe, expect, it } from "vitest";
import { listToolCalls } from "../src/store/tool-calls";
import { listWatchlist } from "../src/store/watchlists";
import { type JsonBody, json, postMcp, request, toolCall } from "./support/json-rpc";
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

async function auditedRows(): Promise<number> {
  return (await stack.mcp.instance.server.store.run((x) => listToolCalls(x, 1000))).length;
}

function withId<T extends object>(message: T, id: number | string): T & { id: number | string } {
  return { ...message, id };
}

describe("duplicate request ids in a batch", () => {
  it("refuses a batch whose ping reuses a tool call's id, so no result is silently dropped", async () => {
    const before = await auditedRows();
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
    expect(await auditedRows()).toBe(before);
  });

  it("refuses a batch of writes that share ids, so none runs unaudited or is audited as another's outcome", async () => {
    const before = await auditedRows();
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
    expect(
      await stack.mcp.instance.server.store.run((x) => listWatchlist(x, "user-json-rpc")),
    ).toEqual([]);
    expect(await auditedRows()).toBe(before);
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
      const before = await auditedRows();
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
      expect(await auditedRows()).toBe(before);
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

describe("tools/call protocol errors (MCP 2025-11-25 server/tools, Error Handling)", () => {
  async function lastAudited() {
    return (await stack.mcp.instance.server.store.run((x) => listToolCalls(x, 1)))[0];
  }

  it("answers an unknown tool with a JSON-RPC error, not a tool result a model would retry", async () => {
    const response = await postMcp(stack.mcp.resource, withId(toolCall("no_such_tool"), 3), {
      token: person,
    });
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({
      jsonrpc: "2.0",
      id: 3,
      error: { code: -32602, message: "Unknown tool: no_such_tool" },
    });
    expect(await lastAudited()).toMatchObject({
      tool: "no_such_tool",
      outcome: "error",
      subject: "user-json-rpc",
      error: "Unknown tool: no_such_tool",
    });
  });

  it("answers each message of a batch on its own: the unknown tool's error beside a known tool's result", async () => {
    const response = await postMcp(
      stack.mcp.resource,
      [
        withId(toolCall("no_such_tool"), "unknown"),
        withId(toolCall("analyze_sentiment", { text: "Shares soared" }), "known"),
      ],
      { token: person },
    );
    expect(response.status).toBe(200);
    const [unknown, known] = (await response.json()) as JsonBody[];
    expect(unknown).toEqual({
      jsonrpc: "2.0",
      id: "unknown",
      error: { code: -32602, message: "Unknown tool: no_such_tool" },
    });
    expect(known?.id).toBe("known");
    expect(known?.result.isError).toBeUndefined();
  });

  it("still answers arguments that fail a tool's input schema as a tool error the model can correct", async () => {
    const response = await postMcp(
      stack.mcp.resource,
      toolCall("analyze_sentiment", { text: 42 }),
      {
        token: person,
      },
    );
    const { result } = await json(response);
    expect(result.isError).toBe(true);
    expect(result.content[0].text).toMatch(/Input validation error/);
  });

  it.each([
    ["no params", undefined, "Invalid params: tools/call needs params with the tool's name"],
    ["a name that is not a string", { name: 5 }, "Invalid params: params.name must be a string"],
    [
      "arguments that are an array",
      { name: "analyze_sentiment", arguments: [1] },
      "Invalid params: params.arguments must be an object",
    ],
    [
      "arguments that are null",
      { name: "analyze_sentiment", arguments: null },
      "Invalid params: params.arguments must be an object",
    ],
  ])(
    "answers a tools/call with %s with -32602 Invalid params and one short line, not -32603 and a schema dump",
    async (_, params, message) => {
      const malformed = { jsonrpc: "2.0", id: 11, method: "tools/call", params };
      const response = await postMcp(stack.mcp.resource, malformed, { token: person });
      expect(response.status).toBe(200);
      expect(await json(response)).toEqual({
        jsonrpc: "2.0",
        id: 11,
        error: { code: -32602, message },
      });
      expect(await lastAudited()).toMatchObject({ outcome: "error", error: message });
    },
  );

  it("answers the rest of the CallToolRequest schema the same way, naming the member at fault", async () => {
    const malformed = toolCall("analyze_sentiment", { text: "Shares soared" });
    const response = await postMcp(
      stack.mcp.resource,
      { ...malformed, params: { ...malformed.params, task: 5 } },
      { token: person },
    );
    const { error } = await json(response);
    expect(error.code).toBe(-32602);
    expect(error.message).toMatch(/^Invalid params: params\.task: [^\n]+$/);
  });
});
