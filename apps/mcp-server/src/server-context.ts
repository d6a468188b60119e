// What every part of the MCP server shares: its configuration, database, token verifier and clock.
import type { ListToolsResult } from "@modelcontextprotocol/sdk/types.js";
import type { jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types.js";
import type { AccessTokenVerifier } from "@repo/tokens";
import type { Context } from "hono";
import type { McpServerConfig } from "./config";
import type { Database } from "./db/database";
import type { McpServerMetrics } from "./metrics";

export interface ResourceServer {
  config: McpServerConfig;
  db: Database;
  /** Checks tokens locally against the issuer's cached JWKS; the only outbound call is that fetch (RS-4). */
  verifier: AccessTokenVerifier;
  /** One validator for every per-request MCP server: building one costs 165–640 µs. */
  jsonSchemaValidator: jsonSchemaValidator;
  /** The tools/list answer, the same for every caller: computed once at start (mcp/tool-server.ts). */
  toolList: ListToolsResult;
  clock: () => Date;
  /** The peer address of a request that came over a socket; undefined for in-process requests. */
  clientAddress: (c: Context) => string | undefined;
  /** This instance's Prometheus registry and counters (docs/observability.md). */
  metrics: McpServerMetrics;
}
