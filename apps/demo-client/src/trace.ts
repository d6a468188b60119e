// The narrated trace: every HTTP exchange the MCP SDK makes, grouped by phase (Discovery, Authorization, Access).
import type { FetchLike } from "@modelcontextprotocol/sdk/shared/transport.js";
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, type JWK } from "jose";

export type Phase = "Discovery" | "Authorization" | "Access";

const PHASE_SUBTITLES: Record<Phase, string> = {
  Discovery: "find the authorization server that protects the MCP server (RFC 9728, RFC 8414)",
  Authorization: "obtain an access token for the MCP server (OAuth 2.1, RFC 8707)",
  Access: "call the MCP server with the access token (RFC 6750, or RFC 9449 with DPoP)",
};

/** Secrets and one-time values are shown only far enough to tell them apart. */
export function shorten(value: string, keep = 8): string {
  return value.length <= keep ? "…" : `${value.slice(0, keep)}…`;
}

interface Style {
  heading(text: string): string;
  dim(text: string): string;
  status(status: number, text: string): string;
  warn(text: string): string;
}

const PLAIN: Style = {
  heading: (text) => text,
  dim: (text) => text,
  status: (_status, text) => text,
  warn: (text) => text,
};

const ANSI: Style = {
  heading: (text) => `\x1b[1m${text}\x1b[22m`,
  dim: (text) => `\x1b[2m${text}\x1b[22m`,
  status: (status, text) =>
    `\x1b[${status < 300 ? 32 : status < 400 ? 36 : status < 500 ? 33 : 31}m${text}\x1b[39m`,
  warn: (text) => `\x1b[33m${text}\x1b[39m`,
};

/** https://no-color.org: colour only for a person at a terminal who has not opted out. */
export function wantsColour(stream: { isTTY?: boolean }, environment: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && (environment.NO_COLOR ?? "") === "";
}

export class Trace {
  #phase: Phase | undefined;
  readonly #write: (line: string) => void;
  readonly #style: Style;

  constructor(write: (line: string) => void, { colour = false }: { colour?: boolean } = {}) {
    this.#write = write;
    this.#style = colour ? ANSI : PLAIN;
  }

  get phase(): Phase | undefined {
    return this.#phase;
  }

  /** Prints the phase heading when the flow moves into another phase. */
  enter(phase: Phase): void {
    if (this.#phase === phase) return;
    this.#phase = phase;
    this.#write("");
    this.#write(`${this.#style.heading(phase)}  ${this.#style.dim(PHASE_SUBTITLES[phase])}`);
  }

  request(method: string, url: string, details: Detail[] = []): void {
    this.#write(`  → ${method} ${url}`);
    this.#details(details);
  }

  response(status: number, statusText: string, details: Detail[] = []): void {
    const line = `${status}${statusText ? ` ${statusText}` : ""}`;
    this.#write(`  ← ${this.#style.status(status, line)}`);
    this.#details(details);
  }

  failure(message: string): void {
    this.#write(`  ✗ ${this.#style.warn(message)}`);
  }

  /** Something the client did or decided between two exchanges. */
  note(text: string, details: Detail[] = []): void {
    this.#write(`  • ${text}`);
    this.#details(details);
  }

  /** A URL on a line of its own, for a person to copy or a program to read. */
  url(href: string): void {
    this.#write(`      ${href}`);
  }

  warn(text: string): void {
    this.#write(`  ! ${this.#style.warn(text)}`);
  }

  /** Free text at the top level, outside any phase (a title, a result). */
  line(text = ""): void {
    this.#write(text);
  }

  #details(details: Detail[]): void {
    for (const [name, value] of details) {
      this.#write(`      ${this.#style.dim(`${name}:`)} ${value}`);
    }
  }
}

export type Detail = [name: string, value: string];

/**
 * Which phase an exchange belongs to. The first call without a token is what starts discovery; a
 * call that carries one is access; well-known documents are discovery; the rest (registration,
 * the authorization and token endpoints) is authorization.
 */
export function phaseOf(url: URL, headers: Headers, mcpUrl: URL): Phase {
  if (url.origin === mcpUrl.origin && url.pathname === mcpUrl.pathname) {
    return headers.has("authorization") ? "Access" : "Discovery";
  }
  return url.pathname.includes("/.well-known/") ? "Discovery" : "Authorization";
}

/**
 * The request's headers and body as the trace shows them: credentials shortened, secrets hidden, and
 * the signed JWTs a client sends (a DPoP proof, a client assertion) decoded to what they claim.
 */
export async function describeRequest(
  headers: Headers,
  body: string | undefined,
): Promise<Detail[]> {
  const details: Detail[] = [];
  const authorization = headers.get("authorization");
  if (authorization) details.push(["Authorization", describeAuthorization(authorization)]);
  const proof = headers.get("dpop");
  if (proof) details.push(...(await describeSignedJwt("DPoP", proof, DPOP_PROOF_CLAIMS)));
  const version = headers.get("mcp-protocol-version");
  if (version) details.push(["MCP-Protocol-Version", version]);
  if (body === undefined) return details;
  const contentType = headers.get("content-type") ?? "";
  if (contentType.startsWith("application/x-www-form-urlencoded")) {
    for (const [name, value] of new URLSearchParams(body)) {
      if (name === "client_assertion") {
        details.push(...(await describeSignedJwt(name, value, CLIENT_ASSERTION_CLAIMS)));
      } else {
        details.push([name, SECRET_FIELDS.has(name) ? shorten(value) : value]);
      }
    }
  } else if (contentType.startsWith("application/json")) {
    details.push(...describeJsonRequest(body));
  }
  return details;
}

/** An authorization response's `code` travels in a URL; it is shortened there like anywhere else. */
export function redactUrl(href: string): string {
  const queryStart = href.indexOf("?");
  if (queryStart < 0) return href;
  const [query = "", fragment] = href.slice(queryStart + 1).split("#", 2);
  const pairs = query.split("&").map((pair) => {
    const [name = "", value = ""] = pair.split("=", 2);
    if (!SECRET_FIELDS.has(name)) return pair;
    return `${name}=${shorten(value)}`;
  });
  const redacted = `${href.slice(0, queryStart)}?${pairs.join("&")}`;
  return fragment === undefined ? redacted : `${redacted}#${fragment}`;
}

/** RFC 9449 §4.2: what a proof claims (nonce only when the server asked for one). */
const DPOP_PROOF_CLAIMS = ["htm", "htu", "iat", "jti", "nonce", "ath"];
/** RFC 7523 §3: what a client assertion claims. */
const CLIENT_ASSERTION_CLAIMS = ["iss", "sub", "aud", "exp", "iat", "jti"];

/**
 * A compact JWS as three lines: the value shortened, its protected header (with the RFC 7638
 * thumbprint of an embedded public key rather than the key), and the named claims. A JWT carries
 * no private key; the signature is not shown. What does not decode is shown shortened only.
 */
async function describeSignedJwt(name: string, jwt: string, claims: string[]): Promise<Detail[]> {
  const details: Detail[] = [[name, shorten(jwt)]];
  try {
    const header = decodeProtectedHeader(jwt);
    const payload = decodeJwt(jwt);
    const headerParts = [`typ ${String(header.typ ?? "(none)")}`, `alg ${String(header.alg)}`];
    if (header.kid !== undefined) headerParts.push(`kid ${header.kid}`);
    if (header.jwk !== undefined) {
      const { kty, crv } = header.jwk;
      const thumbprint = await calculateJwkThumbprint(header.jwk as JWK);
      headerParts.push(`jwk ${[kty, crv].filter(Boolean).join(" ")} thumbprint ${thumbprint}`);
    }
    details.push([`${name} header`, headerParts.join(", ")]);
    const claimParts = claims
      .filter((claim) => payload[claim] !== undefined)
      .map((claim) => `${claim} ${formatClaim(claim, payload[claim])}`);
    details.push([`${name} claims`, claimParts.join(", ")]);
  } catch {
    // Not a JWT: the server will say so; the trace shows what was sent.
  }
  return details;
}

function formatClaim(claim: string, value: unknown): string {
  if (claim === "nonce" && typeof value === "string") return shorten(value, 12);
  if (Array.isArray(value)) return value.map(String).join(" ");
  return String(value);
}

function describeAuthorization(value: string): string {
  const [scheme = "", credentials = ""] = value.split(" ", 2);
  if (scheme.toLowerCase() === "basic") {
    const clientId = decodeBasicClientId(credentials);
    return `Basic ${clientId === undefined ? "…" : `${clientId}:…`} (client_secret_basic)`;
  }
  return `${scheme} ${shorten(credentials)}`;
}

function decodeBasicClientId(credentials: string): string | undefined {
  const decoded = Buffer.from(credentials, "base64").toString("utf8");
  const separator = decoded.indexOf(":");
  if (separator < 0) return undefined;
  try {
    return decodeURIComponent(decoded.slice(0, separator).replace(/\+/g, " "));
  } catch {
    return decoded.slice(0, separator);
  }
}

const SECRET_FIELDS = new Set([
  "access_token",
  "refresh_token",
  "code",
  "code_verifier",
  "client_secret",
  "id_token",
]);

function describeJsonRequest(body: string): Detail[] {
  const value = parseJson(body);
  if (!isRecord(value)) return [];
  if (value.jsonrpc === "2.0" && typeof value.method === "string") {
    const params = isRecord(value.params) ? value.params : {};
    if (value.method === "tools/call" && typeof params.name === "string") {
      return [["JSON-RPC", `tools/call ${params.name} ${JSON.stringify(params.arguments ?? {})}`]];
    }
    if (value.method === "initialize" && typeof params.protocolVersion === "string") {
      return [["JSON-RPC", `initialize (protocolVersion ${params.protocolVersion})`]];
    }
    return [["JSON-RPC", value.method]];
  }
  // A registration request (RFC 7591 §2): the metadata the client asks to be registered with.
  return pick(value, [
    "client_name",
    "application_type",
    "redirect_uris",
    "grant_types",
    "token_endpoint_auth_method",
    "scope",
  ]);
}

/** The fields of a response that matter to the flow, by what the document is. */
export function describeResponseBody(body: unknown): Detail[] {
  if (!isRecord(body)) return [];
  if (typeof body.error === "string") return pick(body, ["error", "error_description"]);
  if (Array.isArray(body.authorization_servers)) {
    // RFC 9728 §2: protected resource metadata.
    return pick(body, ["resource", "authorization_servers", "scopes_supported"]);
  }
  if (typeof body.issuer === "string" && typeof body.token_endpoint === "string") {
    // RFC 8414 §2: authorization server metadata.
    return pick(body, [
      "issuer",
      "authorization_endpoint",
      "token_endpoint",
      "registration_endpoint",
      "code_challenge_methods_supported",
      "client_id_metadata_document_supported",
      "authorization_response_iss_parameter_supported",
    ]);
  }
  if (typeof body.access_token === "string") {
    // RFC 6749 §5.1: a token response, with the resource it is for where the server names it.
    return pick(body, [
      "access_token",
      "token_type",
      "expires_in",
      "scope",
      "resource",
      "refresh_token",
    ]);
  }
  if (typeof body.client_id === "string") {
    // RFC 7591 §3.2.1: a registration response.
    return pick(body, [
      "client_id",
      "client_secret",
      "token_endpoint_auth_method",
      "application_type",
      "redirect_uris",
    ]);
  }
  if (body.jsonrpc === "2.0") return describeJsonRpcResponse(body);
  return [];
}

function describeJsonRpcResponse(body: Record<string, unknown>): Detail[] {
  if (isRecord(body.error)) {
    return [["JSON-RPC error", `${String(body.error.code)} ${String(body.error.message)}`]];
  }
  const result = isRecord(body.result) ? body.result : {};
  if (typeof result.protocolVersion === "string") {
    const server = isRecord(result.serverInfo) ? result.serverInfo : {};
    return [
      ["protocolVersion", result.protocolVersion],
      ["serverInfo", `${String(server.name)} ${String(server.version)}`],
    ];
  }
  if (Array.isArray(result.tools)) return [["tools", `${result.tools.length} tools`]];
  if (Array.isArray(result.content)) {
    return [["result", result.isError === true ? "tool error (isError)" : "tool result"]];
  }
  return [];
}

function pick(record: Record<string, unknown>, names: string[]): Detail[] {
  const details: Detail[] = [];
  for (const name of names) {
    const value = record[name];
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.map(String).join(" ") : String(value);
    details.push([name, SECRET_FIELDS.has(name) ? shorten(text) : text]);
  }
  return details;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A fetch that could not reach its server, naming the URL (the SDK treats it as any TypeError). */
export class UnreachableError extends TypeError {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`cannot reach ${url}: ${reason}`);
  }
}

/**
 * Wraps `fetch` so that every exchange the SDK makes is printed. It only observes: requests and
 * responses pass through unchanged (a response body is read from a clone).
 */
export function tracingFetch(trace: Trace, mcpUrl: URL, base: FetchLike = fetch): FetchLike {
  return async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const headers = new Headers(init?.headers ?? request.headers);
    const phase = phaseOf(url, headers, mcpUrl);
    const requestDetails = await describeRequest(headers, bodyText(init?.body));
    // Request and response are printed together, so exchanges running side by side (the SDK opens
    // its GET stream without waiting) do not interleave.
    const printRequest = () => {
      trace.enter(phase);
      trace.request(request.method, redactUrl(url.href), requestDetails);
    };
    let response: Response;
    try {
      response = await base(input, init);
    } catch (error) {
      const reason = unreachableReason(error);
      printRequest();
      trace.failure(reason);
      throw new UnreachableError(url.href, reason);
    }
    const responseDetails = await describeResponse(response, request.method);
    printRequest();
    trace.response(response.status, response.statusText, responseDetails);
    return response;
  };
}

function bodyText(body: RequestInit["body"]): string | undefined {
  if (typeof body === "string") return body;
  if (body instanceof URLSearchParams) return body.toString();
  return undefined;
}

async function describeResponse(response: Response, method: string): Promise<Detail[]> {
  const details: Detail[] = [];
  const challenge = response.headers.get("www-authenticate");
  if (challenge) details.push(["WWW-Authenticate", challenge]);
  const location = response.headers.get("location");
  if (location && response.status >= 300 && response.status < 400) {
    details.push(["Location", redactUrl(location)]);
  }
  const contentType = response.headers.get("content-type") ?? "";
  // A challenge already says in its header what the error body repeats.
  if (challenge && !response.ok) return details;
  if (contentType.startsWith("application/json")) {
    details.push(...describeResponseBody(parseJson(await response.clone().text())));
  } else if (contentType.startsWith("text/event-stream") && method === "POST") {
    details.push(...(await describeEventStream(response)));
  }
  return details;
}

/**
 * A POST answered as a stream carries the JSON-RPC response in a `data:` line. Only the first event
 * is read, from a clone, and only for a moment: the SDK gets the response when this returns, and a
 * server may hold the stream open before its first event. A GET's stream is never read here.
 */
async function describeEventStream(response: Response): Promise<Detail[]> {
  const reader = response.clone().body?.getReader();
  if (!reader) return [];
  const decoder = new TextDecoder();
  let text = "";
  const deadline = new Promise<"late">((resolve) => setTimeout(resolve, 500, "late").unref());
  try {
    while (!/\r?\n\r?\n/.test(text)) {
      const chunk = await Promise.race([reader.read(), deadline]);
      if (chunk === "late" || chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
  const data = text
    .split(/\r?\n/)
    .filter((line) => line.startsWith("data:"))
    .map((line) => line.slice(5).trim())
    .join("\n");
  return data ? describeResponseBody(parseJson(data)) : [["body", "event stream"]];
}

function unreachableReason(error: unknown): string {
  const cause =
    error instanceof Error
      ? (error.cause as { code?: string; message?: string } | undefined)
      : undefined;
  switch (cause?.code) {
    case "ECONNREFUSED":
      return "connection refused";
    case "ENOTFOUND":
      return "host not found";
    case "ETIMEDOUT":
    case "UND_ERR_CONNECT_TIMEOUT":
      return "connection timed out";
    default:
      // undici's "fetch failed" says nothing; its cause ("bad port", a TLS error) does.
      return cause?.message ?? (error instanceof Error ? error.message : String(error));
  }
}
