// What every endpoint handler needs: configuration, storage, keys and the clock, passed explicitly.
import type { DpopReplayCache } from "@repo/tokens";
import type { Context } from "hono";
import type { AuthServerConfig } from "./config";
import type { AuthStore } from "./db/database";
import type { FailedClientAuthenticationLimit } from "./http/client-authentication-limit";
import type { LimitStores } from "./http/limit-stores";
import type { KeyRing } from "./keys/key-ring";
import type { AuthServerMetrics } from "./metrics";
import type { ClientMetadataDocumentResolver } from "./oauth/client-metadata-document";
import type { DpopNonces } from "./oauth/dpop-nonces";
import type { ClientAssertionVerifier } from "./oauth/private-key-jwt";
import type { ResourceRegistry } from "./oauth/resources";
import type { ScryptCost } from "./security/passwords";

export interface AuthServer {
  config: AuthServerConfig;
  /** The database: SQLite by default, PostgreSQL shared by replicas (db/database.ts). */
  store: AuthStore;
  keys: KeyRing;
  resources: ResourceRegistry;
  /** Injected so tests can move time (expiry, key rotation windows) without sleeping. */
  clock: () => Date;
  /** The scrypt cost of the passwords this server hashes: OWASP's, unless a test server lowered it. */
  passwordHashCost: ScryptCost;
  /**
   * The client's address for audit rows and rate limits (the socket's peer, or behind TRUST_PROXY the
   * address the trusted proxies saw); undefined when the request did not come over a socket.
   */
  clientAddress: (c: Context) => string | undefined;
  /** Where the rate limits count: memory, or Redis under REDIS_URL. */
  limits: LimitStores;
  /** FAILED_CLIENT_AUTH_LIMIT's counters, per client id and per address. */
  failedClientAuthentication: FailedClientAuthenticationLimit;
  /** DPoP proof ids seen at /token: in Redis under REDIS_URL, so every replica refuses a replay. */
  dpopReplayCache: DpopReplayCache;
  /** RFC 9449 §8 nonces, the same on every replica that shares KEY_ENCRYPTION_SECRET. */
  dpopNonces: DpopNonces;
  /** This instance's Prometheus registry and counters (docs/observability.md). */
  metrics: AuthServerMetrics;
  /** RFC 7523 private_key_jwt: the keys of jwks_uri clients and the assertion ids already used. */
  clientAssertions: ClientAssertionVerifier;
  /** Fetches and caches Client ID Metadata Documents; without it, URL client_ids are refused. */
  clientMetadataDocuments?: ClientMetadataDocumentResolver;
}
