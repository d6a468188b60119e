// JSON-RPC 2.0 as the MCP Streamable HTTP transport carries it: one body, read once, and its tool calls.
import { MAX_BATCH_SIZE } from "@modelcontextprotocol/sdk/server/requestBody.js";
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

/** A JSON-RPC error response with no id, the shape the SDK's transport uses for HTTP-level errors. */
export function jsonRpcError(
  c: Context,
  status: 400 | 403 | 405 | 413 | 429,
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

/**
 * Reads the body of a POST before the bearer check, which needs the tool calls in it to know the
 * scopes the request requires. Bad JSON is not answered here: the token is checked first.
 */
export function readJsonRpcRequest(): MiddlewareHandler {
  return async (c, next) => {
    const body = parseJsonRpcBody(c.req.method === "POST" ? await c.req.text() : "");
    // The SDK refuses such a batch too, but only after the bearer check, which would first have
    // weighed (and audited) every call in it.
    if (body.kind === "parsed" && Array.isArray(body.value) && body.value.length > MAX_BATCH_SIZE) {
      return jsonRpcError(
        c,
        400,
        JSON_RPC_ERROR.invalidRequest,
        `Invalid Request: a batch holds at most ${MAX_BATCH_SIZE} messages`,
      );
    }
    c.set("jsonRpc", { body, toolCalls: toolCallsIn(body) });
    await next();
  };
}
