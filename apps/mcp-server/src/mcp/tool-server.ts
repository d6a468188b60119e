// The MCP server one request talks to: every tool, bound to the caller the request's token proved.

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  type CallToolResult,
  ListToolsRequestSchema,
  type ListToolsResult,
} from "@modelcontextprotocol/sdk/types.js";
import type { jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types.js";
import { TOOL_ACCESS } from "@repo/scopes";
import packageJson from "../../package.json" with { type: "json" };
import type { McpStore } from "../db/database";
import { isStoreUnavailable } from "../http/unavailable";
import type { Caller } from "../tools/caller";
import { mayCall } from "../tools/catalogue";
import { type Tool, ToolError } from "../tools/tool";
import { TOOLS } from "../tools/tools";
import { ToolCallAudit } from "./tool-call-audit";
import { answerToolCallProtocolErrors } from "./tool-call-protocol-errors";

export const SERVER_NAME = "financial-sentiment";

const INSTRUCTIONS = [
  "Financial news sentiment over a fixed, dated news dataset: score any text, or read the sentiment of",
  "a company's coverage over a date window. Each tool's description names the OAuth scope it needs;",
  "a call without it is refused with HTTP 403 and that scope, so ask for it then (step-up).",
  "Watchlist and digest tools act on the signed-in person's own data and need a user's token.",
].join(" ");

export interface ToolServerDependencies {
  store: McpStore;
  clock: () => Date;
  /** Built once per process: constructing one costs about 165 µs here, half a whole tool call. */
  validator: jsonSchemaValidator;
  /** Unexpected errors go here, never to the client. */
  reportError: (error: unknown) => void;
  /** The tools/list answer, computed once by `listTools`; without it each server computes its own. */
  toolList?: ListToolsResult;
}

/** The description clients list: the tool's own words, then the scope it needs (for step-up). */
export function listedDescription(tool: Tool): string {
  const access = TOOL_ACCESS[tool.name];
  const person =
    access.actsFor === "user"
      ? " It acts on the signed-in person's own data (a user's token)."
      : "";
  return `${tool.description} Requires the OAuth scope ${access.scope}.${person}`;
}

function toolError(text: string): CallToolResult {
  return { content: [{ type: "text", text }], isError: true };
}

function authorityRefusal(tool: Tool, caller: Caller): string | undefined {
  const access = TOOL_ACCESS[tool.name];
  // The HTTP layer already answered 403 for a missing scope; this second check keeps a tool safe
  // if it is ever reached another way (a new transport, a routing mistake).
  if (!mayCall(caller.scopes, tool.name)) {
    return `${tool.name} requires the scope ${access.scope}, which this access token does not grant. Request a token that includes it.`;
  }
  if (access.actsFor === "user" && !caller.actsForUser) {
    return `${tool.name} works on a signed-in person's own data, so it needs an access token issued to a user (authorization code flow). This token was issued to the client ${caller.clientId} itself (client credentials) and has no user.`;
  }
  return undefined;
}

export function createToolServer(
  caller: Caller,
  audit: ToolCallAudit,
  dependencies: ToolServerDependencies,
): McpServer {
  const server = new McpServer(
    { name: SERVER_NAME, title: "Financial sentiment", version: packageJson.version },
    { jsonSchemaValidator: dependencies.validator, instructions: INSTRUCTIONS },
  );
  for (const tool of TOOLS) {
    const access = TOOL_ACCESS[tool.name];
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: listedDescription(tool),
        inputSchema: tool.inputSchema,
        outputSchema: tool.outputSchema,
        annotations: { title: tool.title, ...tool.annotations },
        // Machine-readable twin of the description's scope sentence (the shape SEP-1488 proposes).
        _meta: { securitySchemes: [{ type: "oauth2", scopes: [access.scope] }] },
      },
      async (input: unknown, extra): Promise<CallToolResult> => {
        const refusal = authorityRefusal(tool, caller);
        if (refusal !== undefined) {
          audit.markDenied(extra.requestId, refusal);
          return toolError(refusal);
        }
        try {
          const answer = await tool.run(input, {
            caller,
            store: dependencies.store,
            now: dependencies.clock(),
          });
          const structuredContent = answer.structuredContent as Record<string, unknown>;
          return {
            // MCP 2025-11-25 "Structured Content": a tool returning structured content SHOULD also
            // return it serialized as text, for clients that read only `content`.
            content: [
              { type: "text", text: answer.summary },
              { type: "text", text: JSON.stringify(structuredContent) },
            ],
            structuredContent,
          };
        } catch (error) {
          if (error instanceof ToolError) return toolError(error.message);
          if (isStoreUnavailable(error)) {
            // Not the tool's failure: the whole request is answered 503 (mcp/endpoint.ts).
            audit.markFailed(error);
            return toolError(`${tool.name} could not reach the database; retry later.`);
          }
          dependencies.reportError(error);
          return toolError(`${tool.name} failed on the server; the failure was logged.`);
        }
      },
    );
  }
  // McpServer announces list-changed notifications, but a server that lives for one request never
  // sends one: the tool list is fixed.
  server.server.registerCapabilities({ tools: { listChanged: false } });
  const { toolList } = dependencies;
  if (toolList !== undefined) {
    server.server.setRequestHandler(ListToolsRequestSchema, () => toolList);
  }
  return server;
}

const TOOL_NAMES_SERVED: ReadonlySet<string> = new Set(TOOLS.map((tool) => tool.name));

/**
 * Connects a server from `createToolServer` to its transport, in the one order that works: the
 * protocol errors of tools/call are answered on the transport before the server would see them, and
 * the audit, installed last, sees every call and every answer, those included.
 */
export async function connectToolServer(
  server: McpServer,
  transport: Transport,
  audit: ToolCallAudit,
  reportError: (error: unknown) => void,
): Promise<void> {
  await server.connect(transport);
  answerToolCallProtocolErrors(transport, TOOL_NAMES_SERVED, reportError);
  audit.observe(transport);
}

/**
 * The tools/list answer, taken once from the SDK's own handler. It is the same for every caller (a
 * client steps up by reading the scopes in it), but the SDK converts every input and output schema to
 * JSON Schema on each call: about 3 ms for these tools, against 0.3 ms for a whole tool call.
 */
export async function listTools(
  dependencies: Omit<ToolServerDependencies, "toolList">,
): Promise<ListToolsResult> {
  const nobody: Caller = {
    subject: "tools-list",
    clientId: "tools-list",
    scopes: [],
    ignoredScopes: [],
    scope: "",
    issuer: "",
    audience: [],
    issuedAt: new Date(0),
    expiresAt: new Date(0),
    actsForUser: false,
  };
  const audit = new ToolCallAudit(nobody, async () => {}, dependencies.clock);
  const server = createToolServer(nobody, audit, dependencies);
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: "tools-list", version: packageJson.version });
  try {
    await connectToolServer(server, serverTransport, audit, dependencies.reportError);
    await client.connect(clientTransport);
    return await client.listTools();
  } finally {
    await client.close();
    await server.close();
  }
}
