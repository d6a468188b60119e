// The MCP server's HTTP surface: discovery metadata, health, and the protected MCP endpoint.
import {
  type CreateAppOptions,
  createAppFrame,
  serverErrorHandler,
} from "@repo/server-kit/app-frame";
import { requireBearer } from "@repo/tokens/hono";
import type { Hono } from "hono";
import { cors } from "hono/cors";
import { ADMIN_AUDIT_PATH, adminAuditRoute } from "./admin/audit";
import { JSON_RPC_ERROR, jsonRpcError, readJsonRpcRequest } from "./http/json-rpc";
import { isAllowedOrigin, requireAllowedOrigin } from "./http/origin";
import { toolCallRateLimit } from "./http/rate-limit";
import { isStoreUnavailable, storeUnavailableResponse } from "./http/unavailable";
import { mcpEndpoint } from "./mcp/endpoint";
import { honourKnownScopesOnly, issuedScopeOf } from "./oauth/known-scopes";
import {
  PROTECTED_RESOURCE_METADATA_PATH,
  protectedResourceMetadata,
  protectedResourceMetadataUrl,
} from "./oauth/protected-resource-metadata";
import type { ResourceServer } from "./server-context";
import { recordToolCall, type ToolCallEntry } from "./store/tool-calls";
import { INITIAL_SCOPES, requiredScopesFor } from "./tools/catalogue";

/** Far above any real MCP message here (a batch of headlines is a few KiB), far below a memory risk. */
export const MAX_BODY_BYTES = 256 * 1024;

export interface McpApp {
  app: Hono;
  /** Stops timers the app owns (the rate limiter's). */
  close(): void;
}

export function createApp(server: ResourceServer, options: CreateAppOptions = {}): McpApp {
  const { config, store, verifier, clock } = server;
  const reportError = options.reportError ?? ((error) => console.error(error));
  const mcpPath = new URL(config.resource).pathname;
  const resourceMetadataUrl = protectedResourceMetadataUrl(config.resource);
  const app = createAppFrame({
    ...options,
    metrics: server.metrics,
    clientAddress: server.clientAddress,
    maxBodyBytes: MAX_BODY_BYTES,
    onTooLarge: (c, maxBytes) =>
      c.req.path === mcpPath
        ? jsonRpcError(
            c,
            413,
            JSON_RPC_ERROR.invalidRequest,
            `Request body larger than ${maxBytes} bytes`,
          )
        : c.json(
            {
              error: "invalid_request",
              error_description: `the request body is larger than ${maxBytes} bytes`,
            },
            413,
          ),
    ping: () => store.ping(),
  });

  // RFC 9728 §3.1 path-based location first (what the 401 challenge points to), then the root one
  // that MCP clients fall back to. Public and cacheable: it holds nothing about any caller.
  const metadata = protectedResourceMetadata(config);
  const metadataCors = cors({ origin: "*", allowMethods: ["GET"], maxAge: 600 });
  for (const path of new Set([
    new URL(resourceMetadataUrl).pathname,
    PROTECTED_RESOURCE_METADATA_PATH,
  ])) {
    app.use(path, metadataCors);
    app.get(path, (c) => c.json(metadata, 200, { "Cache-Control": "public, max-age=300" }));
  }

  const rateLimit = toolCallRateLimit({
    ...config.toolRateLimit,
    clientIdOf: (c) => c.var.accessToken.client_id,
    toolCallsOf: (c) => c.var.jsonRpc.toolCalls.length,
    store: server.toolCallStore,
  });

  app.use(
    mcpPath,
    // RS-8: before anything else, including CORS, so a refused origin learns nothing more.
    requireAllowedOrigin(config),
    // RS-9: a browser-based client must send these headers and read the challenge it gets back.
    cors({
      origin: (origin) => (isAllowedOrigin(config, origin) ? origin : null),
      allowMethods: ["GET", "POST", "DELETE"],
      allowHeaders: [
        "Authorization",
        "Content-Type",
        "Accept",
        "Mcp-Session-Id",
        "MCP-Protocol-Version",
        "Last-Event-ID",
      ],
      exposeHeaders: ["WWW-Authenticate", "Mcp-Session-Id", "Retry-After"],
      maxAge: 600,
    }),
    readJsonRpcRequest(),
    requireBearer({
      issuer: config.issuer,
      audience: config.resource,
      // Claims with only the scopes the catalogue knows, so a wildcard it does not define (`mcp:*`)
      // meets the 403 below rather than opening every tool.
      jwks: honourKnownScopesOnly(verifier),
      resourceMetadataUrl,
      // RS-5 at the HTTP layer: a tools/call needs its tool's scope, a batch the scopes of all its
      // calls; everything else (initialize, tools/list, ping, notifications) a valid token only.
      requiredScopes: (c) => [
        ...new Set(c.var.jsonRpc.toolCalls.flatMap((call) => requiredScopesFor(call.name))),
      ],
      challengeScopes: INITIAL_SCOPES,
      dpop: {
        replayCache: server.dpopReplayCache,
        // A proof names the URL the client used (`htu`): the canonical one, also behind a proxy.
        requestUrl: (c) => new URL(c.req.path, config.resource).href,
        required: config.dpop.required,
      },
      onDecision: async (decision, c) => {
        if (decision.outcome === "allowed") return;
        // Refused tool calls are audited here; the ones let through are audited as they complete.
        // Without a verified token the calls are nobody's: such a request is recorded once, under
        // its first call, so a flood of forged batches does not become a flood of rows.
        const { toolCalls } = c.var.jsonRpc;
        const refused = decision.claims === undefined ? toolCalls.slice(0, 1) : toolCalls;
        const more = toolCalls.length - refused.length;
        const outcome = decision.outcome === "verification_unavailable" ? "error" : "denied";
        for (const call of toolCalls) server.metrics.countToolCall(call.name, outcome);
        const occurredAt = clock();
        const entries = refused.map(
          (call): ToolCallEntry => ({
            occurredAt,
            subject: decision.claims?.sub ?? null,
            clientId: decision.claims?.client_id ?? null,
            tool: call.name,
            scopes: decision.claims === undefined ? null : issuedScopeOf(decision.claims),
            outcome,
            durationMs: 0,
            error: `${decision.outcome}: ${decision.errorDescription ?? "no token"}${more > 0 ? ` (and ${more} more tool calls in the batch)` : ""}`,
          }),
        );
        // Awaited, so the refusal goes out only once it is on record (or the database being down
        // turns it into a 503). One row needs no transaction. drizzle makes a new transaction
        // object per call, so a statement prepared per handle would be prepared again each time
        // (measured: about 30 µs for the insert on the database, 80 µs inside a transaction;
        // docs/benchmarks.md).
        const [only] = entries;
        if (entries.length === 1 && only !== undefined) {
          await store.run((x) => recordToolCall(x, only));
        } else if (entries.length > 1) {
          await store.transaction(async (x) => {
            for (const entry of entries) await recordToolCall(x, entry);
          });
        }
      },
    }),
    rateLimit.middleware,
  );
  app.all(
    mcpPath,
    mcpEndpoint({
      store,
      clock,
      validator: server.jsonSchemaValidator,
      reportError,
      toolList: server.toolList,
      recordToolCall: (entry) => {
        server.metrics.countToolCall(entry.tool, entry.outcome);
        return store.run((x) => recordToolCall(x, entry));
      },
    }),
  );

  // Server to server only (the web app's admin console): no CORS, so no browser page can read it.
  app.route(ADMIN_AUDIT_PATH, adminAuditRoute(server));

  app.notFound((c) => c.json({ error: "not_found", error_description: "no such endpoint" }, 404));
  app.onError(
    serverErrorHandler({
      answers: {
        unavailable: (c) => storeUnavailableResponse(c, c.req.path === mcpPath),
        badRequest: (c, error) =>
          c.json(
            { error: "invalid_request", error_description: error.message || "bad request" },
            error.status as 400,
          ),
        serverError: (c) =>
          c.json(
            {
              error: "server_error",
              error_description: "the server could not complete the request",
            },
            500,
          ),
      },
      reportError,
      // Reported too: the tool-call audit and the replica's error log show what the outage cost.
      onUnavailable: reportError,
      isUnavailable: isStoreUnavailable,
    }),
  );

  return { app, close: rateLimit.close };
}
