// What every endpoint handler needs: configuration, storage, keys and the clock, passed explicitly.
import type { Context } from "hono";
import type { AuthServerConfig } from "./config";
import type { AuthStore } from "./db/database";
import type { FailedClientAuthenticationLimit } from "./http/client-authentication-limit";
import type { KeyRing } from "./keys/key-ring";
import type { ClientMetadataDocumentResolver } from "./oauth/client-metadata-document";
import type { ResourceRegistry } from "./oauth/resources";

export interface AuthServer {
  config: AuthServerConfig;
  /** The database: SQLite by default, PostgreSQL shared by replicas (db/database.ts). */
  store: AuthStore;
  keys: KeyRing;
  resources: ResourceRegistry;
  /** Injected so tests can move time (expiry, key rotation windows) without sleeping. */
  clock: () => Date;
  /** The peer address for audit rows and rate limits; undefined when the request did not come over a socket. */
  clientAddress: (c: Context) => string | undefined;
  /** FAILED_CLIENT_AUTH_LIMIT's counters, per client id and per address. */
  failedClientAuthentication: FailedClientAuthenticationLimit;
  /** Fetches and caches Client ID Metadata Documents; without it, URL client_ids are refused. */
  clientMetadataDocuments?: ClientMetadataDocumentResolver;
}
