// Assembles the authorization server from its configuration: database, keys, seed data, HTTP app.

import { clientAddressResolver } from "@repo/server-kit/client-address";
import type { Hono } from "hono";
import { type CreateAppOptions, createApp } from "./app";
import type { AuthServerConfig } from "./config";
import { openDatabase } from "./db/database";
import { FailedClientAuthenticationLimit } from "./http/client-authentication-limit";
import { openLimitStores } from "./http/limit-stores";
import { deriveKeyEncryptionKey } from "./keys/key-encryption";
import { KeyRing } from "./keys/key-ring";
import { schedulePruning } from "./maintenance/prune";
import { AuthServerMetrics } from "./metrics";
import {
  allowsPrivateNetworkFetches,
  createClientMetadataDocumentResolver,
} from "./oauth/client-metadata-document";
import { type authorizationServerMetadata, JWKS_PATH, METADATA_PATH } from "./oauth/metadata";
import type { ResourceRegistry } from "./oauth/resources";
import { seedDemoData, seedSystemClients } from "./seed";
import type { AuthServer } from "./server-context";

export class StartupCheckError extends Error {
  override name = "StartupCheckError";
}

export interface AuthServerInstance {
  app: Hono;
  server: AuthServer;
  close(): void;
}

/**
 * Each server checks its own metadata against its configuration and refuses to start on a
 * mismatch — an issuer that differs by one character makes every client reject every token.
 */
async function checkServedMetadata(app: Hono, config: AuthServerConfig, activeKid: string) {
  const metadata = (await (await app.request(METADATA_PATH)).json()) as ReturnType<
    typeof authorizationServerMetadata
  >;
  const problems: string[] = [];
  if (metadata.issuer !== config.issuer) {
    problems.push(`metadata issuer ${metadata.issuer} differs from ISSUER ${config.issuer}`);
  }
  for (const [name, value] of Object.entries(metadata)) {
    if (name.endsWith("_endpoint") || name === "jwks_uri") {
      if (typeof value !== "string" || !value.startsWith(`${config.issuer}/`)) {
        problems.push(`${name} ${String(value)} is not under the issuer`);
      }
    }
  }
  const jwks = (await (await app.request(JWKS_PATH)).json()) as { keys: { kid?: string }[] };
  if (!jwks.keys.some((key) => key.kid === activeKid)) {
    problems.push("the JWKS does not publish the active signing key");
  }
  if (problems.length > 0) throw new StartupCheckError(problems.join("; "));
}

export async function createAuthServer(
  config: AuthServerConfig,
  options: CreateAppOptions & {
    clock?: () => Date;
    /** Put before every rate-limit key in Redis; tests give each run its own. */
    limitKeyPrefix?: string;
  } = {},
): Promise<AuthServerInstance> {
  const clock = options.clock ?? (() => new Date());
  const database = openDatabase(config.databasePath);
  const limits = await openLimitStores({
    redisUrl: config.redisUrl,
    keyPrefix: options.limitKeyPrefix,
  });
  try {
    const keys = await KeyRing.open({
      db: database.db,
      keyEncryptionKey: deriveKeyEncryptionKey(config.keyEncryptionSecret),
      clock,
      maxTokenLifetimeSeconds: config.accessTokenTtlSeconds,
      clockToleranceSeconds: config.clockToleranceSeconds,
    });
    seedSystemClients(database.db, config, clock());
    await seedDemoData(database.db, config, clock());
    const resources: ResourceRegistry = [
      {
        identifier: config.mcpResource,
        audience: "mcp",
        // The admin console reads the MCP server's tool-call log with an `mcp-admin` scope.
        machineOnlyAudiences: ["mcp-admin"],
        name: "Financial sentiment MCP server",
      },
      // The internal API is a protected resource too (docs/internal-api.md): the web app's tokens.
      { identifier: config.internalResource, audience: "internal", name: "Internal API" },
    ];
    // AS-5: client ids that are https URLs. On a developer's own computer, loopback and private
    // addresses are allowed so that a client can serve its document from the same machine.
    const clientMetadataDocuments = createClientMetadataDocumentResolver({
      allowPrivateNetwork: allowsPrivateNetworkFetches(config),
      clock,
    });
    const server: AuthServer = {
      config,
      db: database.db,
      keys,
      resources,
      clock,
      clientAddress: clientAddressResolver(config.trustProxy),
      limits,
      failedClientAuthentication: new FailedClientAuthenticationLimit(
        config.failedClientAuthenticationLimit,
        limits,
      ),
      clientMetadataDocuments,
      metrics: new AuthServerMetrics({ replica: config.observability.replicaName }),
    };
    const app = createApp(server, options);
    await checkServedMetadata(app, config, keys.signingKey().kid);
    const pruning = schedulePruning(
      server,
      options.reportError ?? ((error) => console.error(error)),
    );
    return {
      app,
      server,
      close: () => {
        pruning.stop();
        void limits.close();
        void clientMetadataDocuments.close();
        database.close();
      },
    };
  } catch (error) {
    database.close();
    await limits.close();
    throw error;
  }
}
