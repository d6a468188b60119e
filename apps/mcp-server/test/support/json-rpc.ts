// Raw MCP requests over HTTP, for the checks an SDK client would never let a test make.

/** What the Streamable HTTP transport requires of every POST. */
export const MCP_POST_HEADERS = {
  Accept: "application/json, text/event-stream",
  "Content-Type": "application/json",
} as const;

let nextId = 1;

export function toolCall(name: string, args: Record<string, unknown> = {}) {
  return { jsonrpc: "2.0", id: nextId++, method: "tools/call", params: { name, arguments: args } };
}

export function request(method: string, params: Record<string, unknown> = {}) {
  return { jsonrpc: "2.0", id: nextId++, method, params };
}

export const INITIALIZE = {
  jsonrpc: "2.0",
  id: 0,
  method: "initialize",
  params: {
    protocolVersion: "2025-11-25",
    capabilities: {},
    clientInfo: { name: "raw-http-test", version: "1.0.0" },
  },
};

export interface PostOptions {
  token?: string;
  headers?: Record<string, string>;
  /** Sent as is instead of JSON-encoding `body`. */
  rawBody?: string;
}

export function postMcp(url: string, body: unknown, options: PostOptions = {}): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: {
      ...MCP_POST_HEADERS,
      ...(options.token === undefined ? {} : { Authorization: `Bearer ${options.token}` }),
      ...options.headers,
    },
    body: options.rawBody ?? JSON.stringify(body),
  });
}

/** A parsed JSON body whose members the test then asserts on, one by one. */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON and assert its shape explicitly.
export type JsonBody = Record<string, any>;

export async function json(response: Response): Promise<JsonBody> {
  return (await response.json()) as JsonBody;
}

/** RFC 9110 §11.6.1 challenge parameters of a Bearer WWW-Authenticate header, for precise assertions. */
export function challengeParameters(response: Response): Record<string, string> {
  const header = response.headers.get("www-authenticate") ?? "";
  expectBearerFirst(header);
  const parameters: Record<string, string> = {};
  for (const match of header.matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g)) {
    const [, name = "", value = ""] = match;
    parameters[name] = value.replace(/\\(.)/g, "$1");
  }
  return parameters;
}

function expectBearerFirst(header: string): void {
  if (!header.startsWith("Bearer ")) throw new Error(`not a Bearer challenge: ${header}`);
}
