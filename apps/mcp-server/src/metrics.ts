// What the MCP server counts besides the HTTP metrics every server has (docs/observability.md).

import { isToolName } from "@repo/scopes";
import { ServerMetrics } from "@repo/server-kit/metrics";
import type { ToolCallOutcome } from "./db/schema";

export class McpServerMetrics extends ServerMetrics {
  readonly toolCalls = this.counter({
    name: "mcp_tool_calls_total",
    help: "tools/call requests, by tool and outcome (success, error, denied), as the audit log records them.",
    labelNames: ["tool", "outcome"],
  });

  /** The tool name is the client's to choose: names no tool has are counted together. */
  countToolCall(tool: string, outcome: ToolCallOutcome): void {
    this.toolCalls.inc({ tool: isToolName(tool) ? tool : "(unknown)", outcome });
  }
}
