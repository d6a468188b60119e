// Assembles the authorization server from its configuration: database, keys, seed data, HTTP app.

import type { CreateAppOptions } from "@repo/server-kit/app-frame";
import { clientAddressResolver } from "@repo/server-kit/client-address";
import { StartupCheckError } from "@repo/server-kit/main";
import { isDatabaseUnavailable } from "@repo/server-kit/store";
import type { Hono } from "hono";
import { createApp } from "./app";
import type { AuthServerConfig } from "./config";
import { openAuthStore } from "./db/database";
import { FailedClientAuthenticationLimit } from "./http/client-authentication-limit";
import { openLimitStores } from "./http/limit-stores";
import { deriveKeyEncryptionKey } from "./keys/key-encryption";
import { KeyRing } from "./keys/key-ring";
import { schedulePruning } from "./maintenance/prune";
import { AuthServerMetrics } from "./metrics";
import { createClientKeySetResolver } from "./oauth/client-keys";
import {
  allowsPrivateNetworkFetches,
  createClientMetadataDocumentResolver,
} from "./oauth/client-metadata-document";
import { DpopNonces } from "./oauth/dpop-nonces";
import { type authorizationServerMetadata, JWKS_PATH, METADATA_PATH } from "./oauth/metadata";
import type { ResourceRegistry } from "./oauth/resources";
import { OWASP_SCRYPT_COST, type ScryptCost } from "./security/passwords";
import { seedDemoData, seedSystemClients } from "./seed";
import type { AuthServer } from "./server-context";

export interface AuthServerInstance {
  app: Hono;
  server: AuthServer;
  close(): Promise<void>;
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
    /**
     * For test servers only: a cheaper scrypt cost for the passwords this server hashes, since each
     * start seeds the demo users. Not an environment variable, so no deployment can set it.
     */
    passwordHashCost?: ScryptCost;
  } = {},
): Promise<AuthServerInstance> {
  // A lowered cost in production would make every stolen password hash cheap to guess offline.
  if (options.passwordHashCost && config.mode === "production") {
    throw new StartupCheckError(
      "a lowered password hash cost is for test servers, never production",
    );
  }
  const passwordHashCost = options.passwordHashCost ?? OWASP_SCRYPT_COST;
  const clock = options.clock ?? (() => new Date());
  const reportError = options.reportError ?? ((error: unknown) => console.error(error));
  const logWarning = options.logWarning ?? ((line: string) => console.warn(line));
  let keys: KeyRing | undefined;
  // The first signing key and the seed are made in `prepare`: once the schema is current and, on
  // PostgreSQL, under the migration lock, so replicas starting together on an empty database create
  // one key and one set of seeded rows between them.
  const store = await openAuthStore({
    database: config.database,
    // An idle pooled connection that PostgreSQL closed (a restart, a failover): the pool replaces it
    // on the next request; without a listener the error would end the process.
    onPoolError: (error) =>
      logWarning(`auth-server: a PostgreSQL connection in the pool failed: ${error.message}`),
    prepare: async (prepared) => {
      keys = await KeyRing.open({
        store: prepared,
        keyEncryptionKey: deriveKeyEncryptionKey(config.keyEncryptionSecret),
        clock,
        maxTokenLifetimeSeconds: config.accessTokenTtlSeconds,
        clockToleranceSeconds: config.clockToleranceSeconds,
      });
      await seedSystemClients(prepared, config, clock());
      await seedDemoData(prepared, config, clock(), passwordHashCost);
    },
  });
  let limits: Awaited<ReturnType<typeof openLimitStores>>;
  try {
    limits = await openLimitStores({
      redisUrl: config.redisUrl,
      keyPrefix: options.limitKeyPrefix ?? config.redisKeyPrefix,
    });
  } catch (error) {
    await store.close();
    throw error;
  }
  try {
    if (!keys) throw new Error("the store was opened without preparing the key ring");
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
    // addresses are allowed so that a client can serve its document from the same machine. Fetched
    // documents are cached in this process as their HTTP caching headers allow: safe per replica,
    // since the document's owner, not this database, is their source, and each use refreshes the
    // stored row (client-resolution.ts).
    const clientMetadataDocuments = createClientMetadataDocumentResolver({
      allowPrivateNetwork: allowsPrivateNetworkFetches(config),
      clock,
    });
    // RFC 7523 private_key_jwt: jwks_uri key sets are fetched like metadata documents and kept a few
    // minutes per replica (the client's key publication is their source); used assertion ids must be
    // shared, or an assertion refused as a replay by one replica would pass at the next.
    const clientKeySets = createClientKeySetResolver({
      allowPrivateNetwork: allowsPrivateNetworkFetches(config),
      clock,
    });
    const server: AuthServer = {
      config,
      store,
      keys,
      resources,
      clock,
      passwordHashCost,
      clientAddress: clientAddressResolver(config.trustProxy),
      limits,
      failedClientAuthentication: new FailedClientAuthenticationLimit(
        config.failedClientAuthenticationLimit,
        limits,
      ),
      clientAssertions: {
        issuer: config.issuer,
        clock,
        clockToleranceSeconds: config.clockToleranceSeconds,
        keySets: clientKeySets,
        usedAssertions: limits.oneTimeKeys("client-assertions", "client assertion replay"),
      },
      clientMetadataDocuments,
      dpopReplayCache: limits.oneTimeKeys("dpop-proofs", "DPoP replay"),
      dpopNonces: new DpopNonces(config.keyEncryptionSecret, clock),
      metrics: new AuthServerMetrics({
        replica: config.observability.replicaName,
        databasePool: () => store.pool(),
      }),
    };
    const app = createApp(server, options);
    await checkServedMetadata(app, config, keys.signingKey().kid);
    // Background work retries on its own schedule; a database that is away meanwhile is worth a
    // warning line, not an error report.
    const reportBackgroundError = (task: string) => (error: unknown) => {
      if (!isDatabaseUnavailable(error)) return reportError(error);
      logWarning(`auth-server: database unavailable, ${task} retried at its next run`);
    };
    const pruning = schedulePruning(server, reportBackgroundError("pruning"));
    const keyReloading = keys.reloadEvery(
      config.keyReloadSeconds,
      reportBackgroundError("the signing-key reload"),
    );
    return {
      app,
      server,
      close: async () => {
        keyReloading.stop();
        await pruning.stop();
        void clientMetadataDocuments.close();
        void clientKeySets.close();
        await Promise.all([store.close(), limits.close()]);
      },
    };
  } catch (error) {
    await Promise.all([store.close(), limits.close()]);
    throw error;
  }
}
