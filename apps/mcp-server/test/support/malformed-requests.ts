// A seeded stream of malformed requests to every public endpoint of the MCP server.
import { type FuzzRequest, malformed, type Random } from "@repo/server-kit/fuzz";
import { ADMIN_AUDIT_PATH } from "../../src/admin/audit";
import { MCP_POST_HEADERS } from "./json-rpc";

export interface McpServerTargets {
  /** The MCP endpoint's path. */
  mcpPath: string;
  /** A valid token with the tools' scopes, so that junk also reaches what lies past the bearer check. */
  token: string;
}

const call = (id: unknown, name: unknown, args: unknown = {}) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name, arguments: args },
});

const TOOL_CALL = JSON.stringify(call(1, "analyze_sentiment", { text: "Shares rallied." }));
/** Not a tool call, so the tool-call rate limit never answers it before the transport does. */
const TOOLS_LIST = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} });

/** JSON-RPC that parses but is no valid MCP message, or a batch the server must refuse. */
function badJsonRpc(random: Random): unknown {
  return random.pick<unknown>([
    {},
    { jsonrpc: "1.0", id: 1, method: "tools/list" },
    { jsonrpc: "2.0", id: { nested: true }, method: "tools/call" },
    { jsonrpc: "2.0", method: 42 },
    call(1, 42),
    call(1, "analyze_sentiment", "not an object"),
    call(1, "analyze_sentiment", { text: 7 }),
    call(null, "no_such_tool"),
    call(1, "watchlist_add", { ticker: "\u0000" }),
    { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "1999-01-01" } },
    [],
    [call(1, "whoami"), call(1, "whoami")],
    Array.from({ length: 200 }, (_, index) => call(index, "whoami")),
    [1, 2, 3],
    { jsonrpc: "2.0", id: 1, result: {} },
    "string",
    null,
  ]);
}

function mcpPost(random: Random, targets: McpServerTargets): FuzzRequest {
  const { mcpPath: path, token } = targets;
  const authorized = { ...MCP_POST_HEADERS, Authorization: `Bearer ${token}` };
  switch (random.int(10)) {
    case 0:
      return {
        kind: "bad JSON-RPC",
        method: "POST",
        path,
        headers: random.chance(0.5)
          ? { ...authorized, "MCP-Protocol-Version": "2025-11-25" }
          : authorized,
        body: JSON.stringify(badJsonRpc(random)),
      };
    case 1:
      return {
        kind: "truncated JSON",
        method: "POST",
        path,
        headers: authorized,
        body: malformed.truncated(random, TOOL_CALL),
      };
    case 2:
      return {
        kind: "bad bearer token",
        method: "POST",
        path,
        headers: { ...MCP_POST_HEADERS, Authorization: malformed.bearerToken(random) },
        body: random.chance(0.5) ? TOOL_CALL : JSON.stringify(badJsonRpc(random)),
      };
    case 3:
      return {
        kind: "bad content type",
        method: "POST",
        path,
        headers: { ...authorized, "Content-Type": malformed.contentType(random) },
        // Half of them a tool call, which meets the rate limit's 429 once the stream has used up
        // its allowance; the other half reach the transport's 415 whatever the seed.
        body: random.chance(0.5) ? TOOL_CALL : TOOLS_LIST,
      };
    case 4:
      if (random.chance(0.3)) {
        return {
          kind: "body over the 256 KiB limit",
          method: "POST",
          path,
          headers: authorized,
          body: JSON.stringify(call(1, "analyze_sentiment", { text: "x".repeat(300 * 1024) })),
        };
      }
      return {
        kind: "100 KiB body",
        method: "POST",
        path,
        headers: random.chance(0.5) ? authorized : MCP_POST_HEADERS,
        body: malformed.hugeBody(random, random.pick(["a", "[", '"'])),
      };
    case 5:
      return {
        kind: "duplicate member",
        method: "POST",
        path,
        headers: authorized,
        body: `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"whoami","name":"analyze_sentiment","arguments":{}}}`,
      };
    case 6:
      return {
        kind: "invalid UTF-8",
        method: "POST",
        path,
        headers: authorized,
        body: malformed.invalidUtf8(random, TOOL_CALL),
      };
    case 7:
      return {
        kind: random.pick(["origin not allowed", "no Accept", "missing body"]),
        method: "POST",
        path,
        headers: random.chance(0.5)
          ? { ...authorized, Origin: random.pick(["https://evil.example", "null", "x"]) }
          : { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: random.chance(0.5) ? TOOL_CALL : undefined,
      };
    case 8:
      // Well-formed, so that the stream also runs into the tool-call rate limit (429).
      return { kind: "tool call", method: "POST", path, headers: authorized, body: TOOL_CALL };
    default:
      return {
        kind: "wrong method",
        method: malformed.method(random, ["POST", "OPTIONS"]),
        path,
        headers: authorized,
        body: random.chance(0.5) ? malformed.hugeBody(random) : TOOL_CALL,
      };
  }
}

function otherRequest(random: Random, targets: McpServerTargets): FuzzRequest {
  const path = random.pick([
    "/.well-known/oauth-protected-resource",
    `/.well-known/oauth-protected-resource${targets.mcpPath}`,
    `${ADMIN_AUDIT_PATH}?limit=-1&limit=5&client=%ff`,
    ADMIN_AUDIT_PATH,
    "/health",
    "/nope",
  ]);
  if (random.chance(0.5)) {
    return {
      kind: "wrong method",
      method: malformed.method(random, ["GET", "HEAD", "OPTIONS"]),
      path,
      headers: { "Content-Type": malformed.contentType(random) },
      body: random.chance(0.5) ? malformed.hugeBody(random) : "x",
    };
  }
  return {
    kind: "bad bearer token",
    method: "GET",
    path,
    headers: {
      Authorization: random.chance(0.3) ? `Bearer ${targets.token}` : malformed.bearerToken(random),
    },
  };
}

/** The next request of the stream: every endpoint, every kind of malformation the issue lists. */
export function nextMalformedRequest(random: Random, targets: McpServerTargets): FuzzRequest {
  return random.int(100) < 75 ? mcpPost(random, targets) : otherRequest(random, targets);
}
