// Assembles the MCP server from its configuration: database, token verifier, HTTP app, self-check.

import { extractWWWAuthenticateParams } from "@modelcontextprotocol/sdk/client/auth.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import { OFFLINE_ACCESS_SCOPE } from "@repo/scopes";
import type { CreateAppOptions } from "@repo/server-kit/app-frame";
import { clientAddressResolver } from "@repo/server-kit/client-address";
import {
  closeLimitsRedis,
  openLimitsRedis,
  redisOneTimeKeys,
  redisScriptClient,
  untilConnected,
} from "@repo/server-kit/limits-redis";
import { StartupCheckError } from "@repo/server-kit/main";
import {
  type AccessTokenKeySource,
  createAccessTokenVerifier,
  createRemoteKeySet,
  memoryReplayCache,
} from "@repo/tokens";
import type { Hono } from "hono";
import { RedisStore } from "hono-rate-limiter";
import { createApp } from "./app";
import type { McpServerConfig } from "./config";
import { openMcpStore } from "./db/database";
import { listTools } from "./mcp/tool-server";
import { McpServerMetrics } from "./metrics";
import {
  PROTECTED_RESOURCE_METADATA_PATH,
  type ProtectedResourceMetadata,
  protectedResourceMetadataUrl,
} from "./oauth/protected-resource-metadata";
import type { ResourceServer } from "./server-context";

export interface McpResourceServerInstance {
  app: Hono;
  server: ResourceServer;
  /** Stops the app's timers and closes the store (ends the PostgreSQL pool). */
  close(): Promise<void>;
}

async function servedMetadata(app: Hono, url: string): Promise<ProtectedResourceMetadata> {
  const response = await app.request(new URL(url).pathname);
  if (response.status !== 200) throw new StartupCheckError(`${url} answered ${response.status}`);
  return (await response.json()) as ProtectedResourceMetadata;
}

/**
 * Each server checks what it serves against its configuration and refuses to start on a
 * mismatch. Here the chain a client follows is walked in-process: an unauthenticated request to the
 * MCP endpoint, the challenge's resource_metadata URL, and the documents at it and at the root.
 */
export async function checkServedMetadata(app: Hono, config: McpServerConfig): Promise<void> {
  const problems: string[] = [];
  const challenge = await app.request(new URL(config.resource).pathname, { method: "POST" });
  const { resourceMetadataUrl, scope } = extractWWWAuthenticateParams(challenge);
  const expectedUrl = protectedResourceMetadataUrl(config.resource);
  if (challenge.status !== 401 || resourceMetadataUrl?.href !== expectedUrl) {
    problems.push(`the MCP endpoint's challenge does not point to ${expectedUrl}`);
  }
  if (scope?.split(" ").includes(OFFLINE_ACCESS_SCOPE)) {
    problems.push("the challenge advertises offline_access");
  }
  const rootUrl = new URL(PROTECTED_RESOURCE_METADATA_PATH, config.resource).href;
  for (const url of new Set([expectedUrl, rootUrl])) {
    const metadata = await servedMetadata(app, url);
    if (metadata.resource !== config.resource) {
      problems.push(
        `${url} names resource ${metadata.resource}, not MCP_RESOURCE ${config.resource}`,
      );
    }
    if (metadata.authorization_servers.join(" ") !== config.issuer) {
      problems.push(`${url} names authorization servers other than ISSUER ${config.issuer}`);
    }
    if (metadata.scopes_supported.includes(OFFLINE_ACCESS_SCOPE)) {
      problems.push(`${url} advertises offline_access`);
    }
  }
  if (problems.length > 0) throw new StartupCheckError(problems.join("; "));
}

export interface CreateServerOptions extends CreateAppOptions {
  clock?: () => Date;
  /** The issuer's keys; defaults to fetching JWKS_URL (tests may hand over a fixed set). */
  keys?: AccessTokenKeySource;
  /** Put before every rate-limit key in Redis; tests give each run its own. */
  limitKeyPrefix?: string;
}

export async function createMcpResourceServer(
  config: McpServerConfig,
  options: CreateServerOptions = {},
): Promise<McpResourceServerInstance> {
  const clock = options.clock ?? (() => new Date());
  const reportError = options.reportError ?? ((error: unknown) => console.error(error));
  const store = await openMcpStore({
    database: config.database,
    // An idle PostgreSQL connection dropped (a restart, a failover): the pool replaces it.
    onPoolError: reportError,
  });
  const redis = config.redisUrl
    ? openLimitsRedis(config.redisUrl, { server: "mcp-server" })
    : undefined;
  const closeRedis = () => (redis ? closeLimitsRedis(redis) : Promise.resolve());
  if (redis) await untilConnected(redis);
  try {
    // Both caches stay in this process, not in Redis, with any number of replicas: the issuer's keys
    // (fetched from JWKS_URL and refreshed when an unknown kid appears) are the same for every
    // replica, and a verified token's claims cannot change before its `exp`, so a per-replica copy is
    // never less correct than a shared one, only cheaper.
    const verifier = createAccessTokenVerifier({
      issuer: config.issuer,
      audience: config.resource,
      keys: options.keys ?? createRemoteKeySet(config.jwksUrl),
      clockToleranceSeconds: config.clockToleranceSeconds,
      clock,
    });
    const jsonSchemaValidator = new AjvJsonSchemaValidator();
    const toolList = await listTools({
      store,
      clock,
      validator: jsonSchemaValidator,
      reportError,
    });
    const server: ResourceServer = {
      config,
      store,
      verifier,
      jsonSchemaValidator,
      toolList,
      clock,
      clientAddress: clientAddressResolver(config.trustProxy),
      // Unlike the caches above, a replay cache must be shared: a proof refused as a replay by one
      // replica would otherwise be accepted by the next.
      dpopReplayCache: redis
        ? redisOneTimeKeys(redis, {
            server: "mcp-server",
            keyPrefix: `${options.limitKeyPrefix ?? config.redisKeyPrefix}mcp-server:dpop-proofs:`,
            what: "DPoP replay",
          })
        : memoryReplayCache(),
      toolCallStore:
        redis &&
        new RedisStore({
          client: redisScriptClient(redis),
          prefix: `${options.limitKeyPrefix ?? config.redisKeyPrefix}mcp-server:tool-calls:`,
        }),
      metrics: new McpServerMetrics({
        replica: config.observability.replicaName,
        databasePool: () => store.pool(),
      }),
    };
    const { app, close } = createApp(server, { ...options, reportError });
    try {
      await checkServedMetadata(app, config);
    } catch (error) {
      close();
      throw error;
    }
    return {
      app,
      server,
      close: async () => {
        close();
        await Promise.all([closeRedis(), store.close()]);
      },
    };
  } catch (error) {
    await Promise.all([closeRedis(), store.close()]);
    throw error;
  }
}
