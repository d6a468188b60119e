// Request ids and metrics of a real MCP server over HTTP on loopback; the log lines and the
// METRICS_PORT listener of the real process are in process.test.ts.
import { REQUEST_ID_HEADER } from "@repo/server-kit/request-id";
import {
  expectNoPublicMetrics,
  metricSample,
  useMetricsScrape,
} from "@repo/server-kit/testing/metrics";
import { describe, expect, it } from "vitest";
import { listToolCalls } from "../src/store/tool-calls";
import { postMcp, toolCall } from "./support/json-rpc";
import { userToken, useTestStack } from "./support/test-stack";

const stack = useTestStack({ TOOL_RATE_LIMIT: "3", REPLICA_NAME: "mcp-test-1" });

const scrape = useMetricsScrape(() => stack.mcp.instance.server.metrics);

const sample = metricSample;

describe("request ids", () => {
  it("echo the proxy's X-Request-Id on the MCP transport's own responses", async () => {
    const token = await userToken(stack, {
      subject: "echo",
      clientId: "echo-client",
      scopes: ["mcp:tools:sentiment:read"],
    });
    const response = await postMcp(
      stack.mcp.resource,
      toolCall("analyze_sentiment", { text: "Shares rallied." }),
      { token, headers: { [REQUEST_ID_HEADER]: "nginx-0a1b2c3d" } },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get(REQUEST_ID_HEADER)).toBe("nginx-0a1b2c3d");
  });

  it("name the request in the audit row of every tool call it carried, allowed or refused", async () => {
    const token = await userToken(stack, {
      subject: "audited",
      clientId: "audited-client",
      scopes: ["mcp:tools:sentiment:read"],
    });
    const allowed = await postMcp(
      stack.mcp.resource,
      toolCall("analyze_sentiment", { text: "Shares rallied." }),
      { token, headers: { [REQUEST_ID_HEADER]: "proxy-allowed-1" } },
    );
    expect(allowed.status).toBe(200);
    const refused = await postMcp(stack.mcp.resource, toolCall("whoami"), {
      headers: { [REQUEST_ID_HEADER]: "proxy-refused-1" },
    });
    expect(refused.status).toBe(401);
    const rows = await stack.mcp.instance.server.store.run((x) => listToolCalls(x, 2));
    expect(rows.map((row) => [row.tool, row.outcome, row.requestId])).toEqual([
      ["whoami", "denied", "proxy-refused-1"],
      ["analyze_sentiment", "success", "proxy-allowed-1"],
    ]);
  });

  it("oversized id: a 10 kB X-Request-Id is replaced, never echoed", async () => {
    const response = await postMcp(stack.mcp.resource, toolCall("whoami"), {
      headers: { [REQUEST_ID_HEADER]: "x".repeat(10 * 1024) },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get(REQUEST_ID_HEADER)).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("metrics", () => {
  it("count tool calls by tool and outcome, and the rate limit's refusals", async () => {
    const token = await userToken(stack, {
      subject: "observed",
      clientId: "observed-client",
      scopes: ["mcp:tools:sentiment:read"],
    });
    const before = await scrape();
    const calls = (text: string, tool: string, outcome: string) =>
      sample(text, "mcp_tool_calls_total", { tool, outcome }) ?? 0;
    const statuses: number[] = [];
    for (const [name, withToken] of [
      ["analyze_sentiment", true],
      ["no_such_tool_for_metrics", true],
      ["watchlist_list", true], // needs a scope the token lacks: 403
      ["analyze_sentiment", false], // no token: 401
      ["analyze_sentiment", true], // the third call the rate limit counts
      ["analyze_sentiment", true], // the fourth: 429
    ] as const) {
      const response = await postMcp(
        stack.mcp.resource,
        toolCall(name, { text: "Shares rallied." }),
        withToken ? { token } : {},
      );
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200, 403, 401, 200, 429]);

    const after = await scrape();
    const delta = (tool: string, outcome: string) =>
      calls(after, tool, outcome) - calls(before, tool, outcome);
    expect(delta("analyze_sentiment", "success")).toBe(2);
    expect(delta("analyze_sentiment", "denied")).toBe(1);
    expect(delta("watchlist_list", "denied")).toBe(1);
    // A name no tool has is the client's to choose: one series for all of them.
    expect(delta("(unknown)", "error")).toBe(1);
    expect(after).not.toContain("no_such_tool_for_metrics");
    expect(sample(after, "http_rate_limited_total", { route: "/mcp" })).toBe(1);
    expect(
      sample(after, "http_requests_total", {
        method: "POST",
        route: "/mcp",
        status: "200",
        replica: "mcp-test-1",
      }),
    ).toBeGreaterThanOrEqual(3);
  });

  it("are never served on the public port", () => expectNoPublicMetrics(stack.mcp.origin));
});
