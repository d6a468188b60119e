// Every tool through the MCP SDK's own client over Streamable HTTP, with tokens from the real auth-server;
// each result is checked against the output schema the server listed for it.
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { type CallToolResult, CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import { TOOL_ACCESS, TOOL_NAMES, type ToolName } from "@repo/scopes";
import { NEWS_DATASET } from "@repo/sentiment";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  clientCredentialsToken,
  connectClient,
  userToken,
  useTestStack,
} from "./support/test-stack";

const stack = useTestStack();
const validator = new AjvJsonSchemaValidator();

const ALL_MCP_SCOPES = [...new Set(Object.values(TOOL_ACCESS).map((access) => access.scope))];
const KNOWN_TICKERS = NEWS_DATASET.companies.map((company) => company.ticker);
const [FIRST_TICKER = "", SECOND_TICKER = "", THIRD_TICKER = ""] = KNOWN_TICKERS;

let machine: Client;
let person: Client;
let outputSchemas: Map<string, Record<string, unknown>>;

beforeAll(async () => {
  machine = await connectClient(stack, await clientCredentialsToken(stack));
  person = await connectClient(
    stack,
    await userToken(stack, { subject: "user-tools-test", scopes: ALL_MCP_SCOPES }),
  );
  const { tools } = await machine.listTools();
  outputSchemas = new Map(
    tools.map((tool) => [tool.name, tool.outputSchema as Record<string, unknown>]),
  );
});

afterAll(async () => {
  await machine?.close();
  await person?.close();
});

/** Calls a tool and checks the result against the listed output schema, as a careful client would. */
async function call(
  client: Client,
  name: ToolName,
  args: Record<string, unknown> = {},
): Promise<CallToolResult & { structuredContent: Record<string, unknown> }> {
  const result = CallToolResultSchema.parse(await client.callTool({ name, arguments: args }));
  expect(result.isError, JSON.stringify(result.content)).not.toBe(true);
  const schema = outputSchemas.get(name);
  expect(schema).toBeDefined();
  const validation = validator.getValidator(schema ?? {})(result.structuredContent);
  expect(validation.errorMessage).toBeUndefined();
  expect(validation.valid).toBe(true);
  // A short rendering for people, then the same data serialized for clients that read only text.
  const [summary, serialized] = result.content;
  expect(summary?.type).toBe("text");
  expect(serialized?.type === "text" && JSON.parse(serialized.text)).toEqual(
    result.structuredContent,
  );
  return result as CallToolResult & { structuredContent: Record<string, unknown> };
}

async function callError(client: Client, name: string, args: Record<string, unknown> = {}) {
  const result = CallToolResultSchema.parse(await client.callTool({ name, arguments: args }));
  expect(result.isError).toBe(true);
  expect(result.structuredContent).toBeUndefined();
  const [first] = result.content;
  return first?.type === "text" ? first.text : "";
}

const PROVENANCE = {
  dataset: NEWS_DATASET.name,
  datasetVersion: NEWS_DATASET.version,
  asOf: NEWS_DATASET.asOf,
  engineVersion: expect.any(String),
};

describe("tools/list", () => {
  it("lists every tool with its scope in the description, hints, and both schemas", async () => {
    const { tools } = await machine.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(TOOL_NAMES);
    for (const tool of tools) {
      const { scope } = TOOL_ACCESS[tool.name as ToolName];
      expect(tool.description).toContain(`Requires the OAuth scope ${scope}.`);
      expect(tool._meta?.securitySchemes).toEqual([{ type: "oauth2", scopes: [scope] }]);
      expect(tool.outputSchema?.type).toBe("object");
      expect(tool.inputSchema.type).toBe("object");
      expect(tool.annotations).toMatchObject({
        readOnlyHint: expect.any(Boolean),
        destructiveHint: expect.any(Boolean),
        idempotentHint: expect.any(Boolean),
        openWorldHint: false,
      });
    }
  });

  it("announces no list-changed notifications: the tool list never changes", () => {
    expect(machine.getServerCapabilities()?.tools).toEqual({ listChanged: false });
  });

  it("marks exactly the tools that change data as not read-only", async () => {
    const { tools } = await machine.listTools();
    const changing = tools.filter((tool) => tool.annotations?.readOnlyHint === false);
    expect(changing.map((tool) => tool.name).sort()).toEqual([
      "schedule_digest",
      "watchlist_add",
      "watchlist_remove",
    ]);
    const remove = tools.find((tool) => tool.name === "watchlist_remove");
    expect(remove?.annotations).toMatchObject({ destructiveHint: true, idempotentHint: true });
  });

  it("tells a person's tools apart in their descriptions", async () => {
    const { tools } = await machine.listTools();
    for (const tool of tools) {
      const forUser = TOOL_ACCESS[tool.name as ToolName].actsFor === "user";
      expect(tool.description?.includes("signed-in person's own data")).toBe(forUser);
    }
  });
});

describe("sentiment tools", () => {
  it("analyze_sentiment scores a text with its evidence", async () => {
    const text = "Profit beat expectations and the company raised its guidance";
    const { structuredContent } = await call(machine, "analyze_sentiment", { text });
    expect(structuredContent).toMatchObject({ provenance: PROVENANCE });
    expect(structuredContent.score).toBeGreaterThan(0);
    const evidence = structuredContent.evidence as { phrase: string; start: number; end: number }[];
    expect(evidence.length).toBeGreaterThan(0);
    for (const item of evidence) expect(text.slice(item.start, item.end)).toBe(item.phrase);
  });

  it("analyze_headlines scores a batch and counts the labels", async () => {
    const headlines = ["Shares plunge after profit warning", "Record quarter lifts shares"];
    const { structuredContent } = await call(machine, "analyze_headlines", { headlines });
    const results = structuredContent.results as { headline: string }[];
    expect(results.map((result) => result.headline)).toEqual(headlines);
    const distribution = structuredContent.distribution as Record<string, number>;
    expect(Object.values(distribution).reduce((sum, count) => sum + count, 0)).toBe(2);
  });

  it("get_ticker_sentiment summarises a company's coverage with its top articles", async () => {
    const { structuredContent } = await call(machine, "get_ticker_sentiment", {
      ticker: FIRST_TICKER.toLowerCase(),
    });
    expect(structuredContent.ticker).toBe(FIRST_TICKER);
    expect(structuredContent.window).toEqual({
      from: expect.any(String),
      to: NEWS_DATASET.asOf,
    });
    expect(structuredContent.articleCount).toBeGreaterThan(0);
    expect((structuredContent.topArticles as unknown[]).length).toBeGreaterThan(0);
  });

  it("answers a window without articles with an empty result, never an invented score", async () => {
    const { structuredContent } = await call(machine, "get_ticker_sentiment", {
      ticker: FIRST_TICKER,
      from: "2001-01-01",
      to: "2001-01-31",
    });
    expect(structuredContent).toMatchObject({
      articleCount: 0,
      averageScore: null,
      label: null,
      topArticles: [],
    });
  });

  it("refuses an unknown ticker with the list of known ones", async () => {
    const message = await callError(machine, "get_ticker_sentiment", { ticker: "ZZZZ" });
    expect(message).toContain("Unknown ticker ZZZZ");
    expect(message).toContain(FIRST_TICKER);
  });

  it("refuses a window that ends before it starts", async () => {
    const message = await callError(machine, "get_ticker_sentiment", {
      ticker: FIRST_TICKER,
      from: "2025-06-10",
      to: "2025-06-01",
    });
    expect(message).toMatch(/starts .* after it ends/);
  });

  describe.each([
    ["get_ticker_sentiment", { ticker: FIRST_TICKER }],
    ["get_sentiment_history", { ticker: FIRST_TICKER }],
    ["compare_tickers", { tickers: [FIRST_TICKER, SECOND_TICKER] }],
    ["list_news", {}],
    ["climate_risk_sentiment", {}],
  ] as const)("%s with a date window the engine cannot read", (name, subject) => {
    it.each([
      [{ to: "0000-01-05", days: 10 }, /to must be a date from 1970-01-01 to 9999-12-31/],
      [{ to: "0000-01-01" }, /to must be a date from 1970-01-01 to 9999-12-31/],
      [{ from: "0000-01-01", to: "0000-01-02" }, /from must be a date from 1970-01-01/],
      [{ to: "1970-01-05", days: 10 }, /starts \(1969-12-27\) before 1970-01-01/],
    ])(
      "refuses %j as a tool error the model can correct, never a server failure",
      async (window, message) => {
        const failures = stack.mcp.serverErrors.length;
        expect(await callError(machine, name, { ...subject, ...window })).toMatch(message);
        expect(stack.mcp.serverErrors.length).toBe(failures);
      },
    );
  });

  it("reads a window that ends on the last day a date can name", async () => {
    const { structuredContent } = await call(machine, "get_sentiment_history", {
      ticker: FIRST_TICKER,
      to: "9999-12-31",
      days: 3,
    });
    expect((structuredContent.series as { date: string }[]).map((day) => day.date)).toEqual([
      "9999-12-29",
      "9999-12-30",
      "9999-12-31",
    ]);
  });

  it("compare_tickers ranks companies from most bullish to most bearish", async () => {
    const { structuredContent } = await call(machine, "compare_tickers", {
      tickers: [FIRST_TICKER, SECOND_TICKER, THIRD_TICKER],
    });
    const ranking = structuredContent.ranking as { averageScore: number | null }[];
    expect(ranking).toHaveLength(3);
    const scores = ranking.map((entry) => entry.averageScore ?? Number.NEGATIVE_INFINITY);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it("get_sentiment_history returns one entry per day of the window", async () => {
    const { structuredContent } = await call(machine, "get_sentiment_history", {
      ticker: FIRST_TICKER,
      days: 7,
    });
    const series = structuredContent.series as { date: string }[];
    expect(series).toHaveLength(7);
    expect(series.at(-1)?.date).toBe(NEWS_DATASET.asOf);
  });
});

describe("news and climate tools", () => {
  it("list_news returns articles newest first, within the limit", async () => {
    const { structuredContent } = await call(machine, "list_news", {
      ticker: SECOND_TICKER,
      limit: 5,
    });
    const articles = structuredContent.articles as { ticker: string; publishedAt: string }[];
    expect(articles.length).toBeGreaterThan(0);
    expect(articles.length).toBeLessThanOrEqual(5);
    expect(articles.every((article) => article.ticker === SECOND_TICKER)).toBe(true);
    const dates = articles.map((article) => article.publishedAt);
    expect(dates).toEqual([...dates].sort().reverse());
  });

  it("climate_risk_sentiment aggregates climate news by ticker", async () => {
    const { structuredContent } = await call(machine, "climate_risk_sentiment");
    expect(structuredContent.ticker).toBeNull();
    expect(structuredContent.articleCount).toBeGreaterThan(0);
    expect((structuredContent.byTicker as unknown[]).length).toBeGreaterThan(0);
  });
});

describe("whoami", () => {
  it("shows a client-credentials token as the client acting for itself", async () => {
    const { structuredContent } = await call(machine, "whoami");
    expect(structuredContent).toMatchObject({
      subject: "demo-batch",
      clientId: "demo-batch",
      actsForUser: false,
      issuer: stack.auth.issuer,
      audience: [stack.mcp.resource],
    });
    const tools = structuredContent.tools as { name: string; allowed: boolean }[];
    expect(tools.find((tool) => tool.name === "watchlist_list")?.allowed).toBe(false);
    expect(tools.find((tool) => tool.name === "analyze_sentiment")?.allowed).toBe(true);
  });

  it("shows a user's token as the client acting for that user", async () => {
    const { structuredContent } = await call(person, "whoami");
    expect(structuredContent).toMatchObject({ subject: "user-tools-test", actsForUser: true });
  });

  it("does not report a wildcard the catalogue does not know as opening any tool", async () => {
    const odd = await connectClient(
      stack,
      await userToken(stack, {
        subject: "user-with-unknown-wildcard",
        scopes: ["mcp:data:client-info:read", "mcp:*"],
      }),
    );
    try {
      const { structuredContent, content } = await call(odd, "whoami");
      expect(structuredContent).toMatchObject({
        scopes: ["mcp:data:client-info:read"],
        ignoredScopes: ["mcp:*"],
      });
      const tools = structuredContent.tools as { name: string; allowed: boolean }[];
      expect(tools.filter((tool) => tool.allowed).map((tool) => tool.name)).toEqual(["whoami"]);
      expect(content[0]?.type === "text" && content[0].text).toMatch(
        /scopes: mcp:data:client-info:read; ignored \(not in the scope catalogue\): mcp:\*;/,
      );
    } finally {
      await odd.close();
    }
  });
});

describe("a person's tools", () => {
  it("watchlist_add, watchlist_list and watchlist_remove keep the person's list", async () => {
    const added = await call(person, "watchlist_add", { ticker: FIRST_TICKER, note: "core" });
    expect(added.structuredContent).toMatchObject({
      status: "added",
      item: { ticker: FIRST_TICKER, note: "core" },
    });
    const again = await call(person, "watchlist_add", { ticker: FIRST_TICKER });
    expect(again.structuredContent.status).toBe("already_present");
    const listed = await call(person, "watchlist_list");
    expect(listed.structuredContent.items).toEqual([
      expect.objectContaining({ ticker: FIRST_TICKER, note: "core" }),
    ]);
    const removed = await call(person, "watchlist_remove", { ticker: FIRST_TICKER });
    expect(removed.structuredContent).toEqual({ status: "removed", ticker: FIRST_TICKER });
    const gone = await call(person, "watchlist_remove", { ticker: FIRST_TICKER });
    expect(gone.structuredContent.status).toBe("not_present");
  });

  it("watchlist_add refuses a ticker the dataset does not cover", async () => {
    expect(await callError(person, "watchlist_add", { ticker: "NOPE" })).toContain(
      "Unknown ticker NOPE",
    );
  });

  it("schedule_digest stores a job for the person's watchlist", async () => {
    await call(person, "watchlist_add", { ticker: SECOND_TICKER });
    const { structuredContent } = await call(person, "schedule_digest", {
      cadence: "weekly",
      hourUtc: 6,
    });
    expect(structuredContent.job).toMatchObject({
      kind: "digest",
      cadence: "weekly",
      hourUtc: 6,
      tickers: [SECOND_TICKER],
      clientId: "test-web-client",
    });
  });

  it("schedule_digest refuses an empty watchlist without tickers", async () => {
    const loner = await connectClient(
      stack,
      await userToken(stack, {
        subject: "user-without-watchlist",
        scopes: ["mcp:operations:automation:digest"],
      }),
    );
    try {
      expect(await callError(loner, "schedule_digest", { cadence: "daily" })).toMatch(
        /watchlist is empty/,
      );
    } finally {
      await loner.close();
    }
  });

  it("accepts the automation wildcard scope for schedule_digest", async () => {
    const automation = await connectClient(
      stack,
      await userToken(stack, {
        subject: "user-with-wildcard",
        scopes: ["mcp:operations:automation:*"],
      }),
    );
    try {
      const { structuredContent } = await call(automation, "schedule_digest", {
        cadence: "daily",
        tickers: [THIRD_TICKER],
      });
      expect(structuredContent.job).toMatchObject({ tickers: [THIRD_TICKER] });
    } finally {
      await automation.close();
    }
  });
});

describe("arguments", () => {
  it("reports arguments that fail the input schema as a tool error the model can correct", async () => {
    expect(await callError(machine, "analyze_sentiment", { text: "" })).toMatch(
      /Input validation error/,
    );
  });

  it("answers an unknown tool with a JSON-RPC error, as MCP lists it, not a tool result to retry", async () => {
    await expect(machine.callTool({ name: "no_such_tool", arguments: {} })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringMatching(/Unknown tool: no_such_tool$/),
    });
  });
});
