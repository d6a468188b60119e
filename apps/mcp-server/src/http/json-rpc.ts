// JSON-RPC 2.0 as the MCP Streamable HTTP transport carries it: one body, read once, and its tool calls.
import { MAX_BATCH_SIZE } from "@modelcontextprotocol/sdk/server/requestBody.js";
import {
  CallToolRequestParamsSchema,
  SUPPORTED_PROTOCOL_VERSIONS,
} from "@modelcontextprotocol/sdk/types.js";
import type { AccessTokenClaims } from "@repo/tokens";
import type { Context, MiddlewareHandler } from "hono";

/** JSON-RPC 2.0 §5.1 codes, plus the implementation-defined -32000 the SDK uses for transport errors. */
export const JSON_RPC_ERROR = {
  parseError: -32700,
  invalidRequest: -32600,
  serverError: -32000,
} as const;

/**
 * A request body as this server read it. The parsed value is what both the scope check and the MCP
 * SDK see (it is handed to the transport as `parsedBody`): one parse, so no parser differential can
 * make the authorized message differ from the executed one.
 */
export type JsonRpcBody =
  | { kind: "empty" }
  | { kind: "invalid" }
  | { kind: "parsed"; value: unknown };

export function parseJsonRpcBody(text: string): JsonRpcBody {
  if (text === "") return { kind: "empty" };
  try {
    return { kind: "parsed", value: JSON.parse(text) };
  } catch {
    return { kind: "invalid" };
  }
}

export interface ToolCallMessage {
  id: string | number | null;
  /** The tool the client asked for; not necessarily one that exists. */
  name: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The `tools/call` messages of a single message or a batch. A message that is not a well-formed call
 * is left out: the SDK refuses it before any tool runs, so it needs no scope.
 */
export function toolCallsIn(body: JsonRpcBody): ToolCallMessage[] {
  if (body.kind !== "parsed") return [];
  const messages = Array.isArray(body.value) ? body.value : [body.value];
  const calls: ToolCallMessage[] = [];
  for (const message of messages) {
    if (!isRecord(message) || message.method !== "tools/call" || !isRecord(message.params)) {
      continue;
    }
    const { name } = message.params;
    if (typeof name !== "string") continue;
    const { id } = message;
    calls.push({ id: typeof id === "string" || typeof id === "number" ? id : null, name });
  }
  return calls;
}

/**
 * Why the params of a tools/call fail MCP's CallToolRequest schema, in one short line, or undefined
 * if they satisfy it. MCP 2025-11-25 server/tools "Error Handling" makes such a request a protocol
 * error; left to the SDK it is answered -32603 Internal error with its schema library's whole report.
 */
export function toolCallParamsError(params: unknown): string | undefined {
  if (!isRecord(params)) return "Invalid params: tools/call needs params with the tool's name";
  if (typeof params.name !== "string") return "Invalid params: params.name must be a string";
  if (params.arguments !== undefined && !isRecord(params.arguments)) {
    return "Invalid params: params.arguments must be an object";
  }
  // The rest of the schema (_meta, task), as the SDK will parse it.
  const parsed = CallToolRequestParamsSchema.safeParse(params);
  if (parsed.success) return undefined;
  const [issue] = parsed.error.issues;
  const path = ["params", ...(issue?.path ?? [])].join(".");
  return `Invalid params: ${path}: ${issue?.message.split("\n")[0] ?? "does not match CallToolRequest"}`;
}

/** The first MCP version whose Streamable HTTP transport carries one JSON-RPC message per POST. */
export const FIRST_VERSION_WITHOUT_BATCHES = "2025-06-18";

/**
 * Whether a POST declaring this MCP-Protocol-Version may carry a JSON-RPC batch. MCP 2025-06-18
 * removed batching, and 2025-11-25 "Transports" says the body MUST be a single request,
 * notification or response; 2025-03-26 (what a request without the header is taken to speak)
 * still allowed arrays. A version the SDK does not support is left to the SDK's own 400.
 */
export function allowsBatches(protocolVersion: string | undefined): boolean {
  return (
    protocolVersion === undefined ||
    !SUPPORTED_PROTOCOL_VERSIONS.includes(protocolVersion) ||
    protocolVersion < FIRST_VERSION_WITHOUT_BATCHES
  );
}

/**
 * The first request id that two requests of a batch share. JSON-RPC 2.0 asks each request for an id
 * the client uses to match its answer; the SDK's transport and this server's audit both key the calls
 * of a request by id, so a repeated one would drop an answer and pin an outcome on the wrong call.
 * Ids of different types (7 and "7") are different ids.
 */
export function duplicateRequestId(batch: readonly unknown[]): string | number | undefined {
  const seen = new Set<string | number>();
  for (const message of batch) {
    if (!isRecord(message) || typeof message.method !== "string") continue;
    const { id } = message;
    if (typeof id !== "string" && typeof id !== "number") continue;
    if (seen.has(id)) return id;
    seen.add(id);
  }
  return undefined;
}

/** A JSON-RPC error response with no id, the shape the SDK's transport uses for HTTP-level errors. */
export function jsonRpcError(
  c: Context,
  status: 400 | 403 | 405 | 413 | 429 | 503,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return c.json({ jsonrpc: "2.0", error: { code, message }, id: null }, status, headers);
}

/** A POST body as read once, with the tool calls found in it. */
export interface JsonRpcRequest {
  body: JsonRpcBody;
  toolCalls: ToolCallMessage[];
}

declare module "hono" {
  interface ContextVariableMap {
    /** Set by `readJsonRpcRequest` on the MCP endpoint. */
    jsonRpc: JsonRpcRequest;
    /** Set by `requireBearer` (@repo/tokens/hono) once the token is verified. */
    accessToken: AccessTokenClaims;
  }
}

/** Why a batch cannot be run as sent, or undefined if it can. */
function batchRefusal(batch: readonly unknown[], protocolVersion: string | undefined) {
  if (!allowsBatches(protocolVersion)) {
    return `Invalid Request: MCP ${protocolVersion} carries one JSON-RPC message per POST, not a batch`;
  }
  // The SDK refuses such a batch too, but only after the bearer check, which would first have
  // weighed (and audited) every call in it.
  if (batch.length > MAX_BATCH_SIZE) {
    return `Invalid Request: a batch holds at most ${MAX_BATCH_SIZE} messages`;
  }
  const duplicate = duplicateRequestId(batch);
  if (duplicate !== undefined) {
    return `Invalid Request: duplicate request id ${JSON.stringify(duplicate)} in a batch`;
  }
  return undefined;
}

/**
 * Reads the body of a POST before the bearer check, which needs the tool calls in it to know the
 * scopes the request requires. Bad JSON is not answered here: the token is checked first. A batch
 * that cannot run as sent is refused here, before any of its calls is weighed, run or audited: one
 * the request's protocol version does not allow, one over the size limit, or one that repeats an id.
 */
export function readJsonRpcRequest(): MiddlewareHandler {
  return async (c, next) => {
    const body = parseJsonRpcBody(c.req.method === "POST" ? await c.req.text() : "");
    if (body.kind === "parsed" && Array.isArray(body.value)) {
      const refusal = batchRefusal(body.value, c.req.header("mcp-protocol-version"));
      if (refusal !== undefined) {
        return jsonRpcError(c, 400, JSON_RPC_ERROR.invalidRequest, refusal);
      }
    }
    c.set("jsonRpc", { body, toolCalls: toolCallsIn(body) });
    await next();
  };
}
