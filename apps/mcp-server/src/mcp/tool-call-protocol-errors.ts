// MCP 2025-11-25 server/tools "Error Handling": a tools/call naming an unknown tool, or failing the
// CallToolRequest schema, is a protocol error (a JSON-RPC error response), not a tool result.
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  ErrorCode,
  isJSONRPCRequest,
  type JSONRPCErrorResponse,
  type JSONRPCRequest,
} from "@modelcontextprotocol/sdk/types.js";
import { toolCallParamsError } from "../http/json-rpc";

function protocolError(request: JSONRPCRequest, tools: ReadonlySet<string>): string | undefined {
  if (request.method !== "tools/call") return undefined;
  const invalid = toolCallParamsError(request.params);
  if (invalid !== undefined) return invalid;
  const name = request.params?.name;
  return typeof name === "string" && tools.has(name) ? undefined : `Unknown tool: ${String(name)}`;
}

/**
 * Answers those calls on the transport, before the MCP server sees them: the SDK's McpServer turns an
 * unknown tool into a tool result (`isError`, "MCP error -32602: Tool x not found"), which a model
 * takes for a failed run worth retrying, and malformed params into -32603 with a schema dump. Both
 * become -32602 Invalid params for that message alone, so the other messages of a batch still run.
 * Arguments that fail a tool's input schema stay tool errors (the spec lists them as such).
 *
 * Install after `server.connect(transport)` and before the audit observes the transport: the audit
 * then records these calls and their answers like any other.
 */
export function answerToolCallProtocolErrors(
  transport: Transport,
  tools: ReadonlySet<string>,
  reportError: (error: unknown) => void,
): void {
  const deliver = transport.onmessage;
  transport.onmessage = (message, extra) => {
    const problem = isJSONRPCRequest(message) ? protocolError(message, tools) : undefined;
    if (problem === undefined || !isJSONRPCRequest(message)) {
      deliver?.(message, extra);
      return;
    }
    const answer: JSONRPCErrorResponse = {
      jsonrpc: "2.0",
      id: message.id,
      error: { code: ErrorCode.InvalidParams, message: problem },
    };
    // Looked up now, not when installed: the audit wraps `send` afterwards and must see this answer.
    transport.send(answer).catch(reportError);
  };
}
