// MCP Streamable HTTP transport (2025-11-25 "Transports"), stateless: one server per request.
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { Context } from "hono";
import { JSON_RPC_ERROR, jsonRpcError } from "../http/json-rpc";
import type { ToolCallEntry } from "../store/tool-calls";
import { callerFrom } from "../tools/caller";
import { ToolCallAudit } from "./tool-call-audit";
import { connectToolServer, createToolServer, type ToolServerDependencies } from "./tool-server";

export interface McpEndpointDependencies extends ToolServerDependencies {
  recordToolCall: (entry: ToolCallEntry) => Promise<void>;
}

const JSON_CONTENT_TYPE = /^application\/json[ \t]*(?:;|$)/i;

/**
 * Answers a request that has passed the Origin check, the bearer check (with the scopes of every
 * tool it calls) and the rate limit. No session is kept between requests: each carries its own token,
 * which was checked for this very request (RS-7), and a fresh server bound to that token's caller.
 */
export function mcpEndpoint(dependencies: McpEndpointDependencies) {
  return async (c: Context): Promise<Response> => {
    // A stateless server has no stream to offer on GET and no session to end on DELETE; the
    // transport spec's answer to both is 405 (the SDK client then carries on over POST alone).
    if (c.req.method !== "POST") {
      return jsonRpcError(
        c,
        405,
        JSON_RPC_ERROR.serverError,
        "Method not allowed: this stateless server accepts POST only",
        { Allow: "POST" },
      );
    }
    const { body } = c.var.jsonRpc;
    if (body.kind !== "parsed" && JSON_CONTENT_TYPE.test(c.req.header("content-type") ?? "")) {
      return jsonRpcError(c, 400, JSON_RPC_ERROR.parseError, "Parse error: the body is not JSON");
    }

    const caller = callerFrom(c.var.accessToken);
    const audit = new ToolCallAudit(caller, dependencies.recordToolCall, dependencies.clock);
    const server = createToolServer(caller, audit, dependencies);
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    await connectToolServer(server, transport, audit, dependencies.reportError);
    try {
      // A body that is not JSON only gets here with another media type, which the transport
      // refuses (415) before it would look at the body.
      const parsedBody = body.kind === "parsed" ? body.value : null;
      const response = await transport.handleRequest(c.req.raw, { parsedBody });
      audit.recordUndelivered(c.var.jsonRpc.toolCalls, response.status);
      // The answer leaves only once its audit rows are written; if they (or a tool's own statements)
      // could not be, this throws and the app answers 503 (app.ts) instead.
      await audit.settle();
      return response;
    } finally {
      await server.close();
    }
  };
}
