// What every part of the MCP server shares: its configuration, store, token verifier and clock.
import type { ListToolsResult } from "@modelcontextprotocol/sdk/types.js";
import type { jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types.js";
import type { AccessTokenVerifier, DpopReplayCache } from "@repo/tokens";
import type { Context } from "hono";
import type { Store } from "hono-rate-limiter";
import type { McpServerConfig } from "./config";
import type { McpStore } from "./db/database";
import type { McpServerMetrics } from "./metrics";

export interface ResourceServer {
  config: McpServerConfig;
  /** Its own SQLite file, or a PostgreSQL database shared with other replicas. */
  store: McpStore;
  /** Checks tokens locally against the issuer's cached JWKS; the only outbound call is that fetch (RS-4). */
  verifier: AccessTokenVerifier;
  /** One validator for every per-request MCP server: building one costs 165–640 µs. */
  jsonSchemaValidator: jsonSchemaValidator;
  /** The tools/list answer, the same for every caller: computed once at start (mcp/tool-server.ts). */
  toolList: ListToolsResult;
  clock: () => Date;
  /**
   * The client's address (the socket's peer, or behind TRUST_PROXY the address the trusted proxies
   * saw); undefined for in-process requests.
   */
  clientAddress: (c: Context) => string | undefined;
  /** DPoP proof ids seen in the last minute or so: in Redis under REDIS_URL, shared by every replica. */
  dpopReplayCache: DpopReplayCache;
  /** Where the tool-call limit counts under REDIS_URL; in memory when undefined. */
  toolCallStore?: Store;
  /** This instance's Prometheus registry and counters (docs/observability.md). */
  metrics: McpServerMetrics;
}
