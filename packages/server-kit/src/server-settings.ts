// The settings both servers read the same way (README "Configuration"): mode, where to listen, the
// request log, the client address behind proxies, Redis for the limits, the database pool and the
// observability settings. Each app spreads SERVER_ENVIRONMENT into its own schema, beside its public
// URLs and its database variables, and turns the parsed values into settings with `serverSettings`.
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { type TrustProxy, trustProxySetting } from "./client-address";
import {
  booleanFlag,
  OBSERVABILITY_ENVIRONMENT,
  type ObservabilitySettings,
  observabilitySettings,
} from "./environment";
import { redisKeyPrefixSetting, redisUrlSetting } from "./limits-redis";
import { isPostgresUrl } from "./store";

/** Relative SQLite paths are read from the repository root, wherever the process was started. */
const REPOSITORY_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/**
 * An app's `*_DATABASE_URL`. Anything but a PostgreSQL URL is refused: a typo must not quietly give
 * one replica a SQLite file of its own.
 */
export function postgresUrlSetting(pathVariable: string) {
  return z
    .string()
    .refine((value) => isPostgresUrl(value) && URL.canParse(value), {
      message: `must be a postgres:// or postgresql:// URL (leave it unset for the SQLite file at ${pathVariable})`,
    })
    .optional();
}

/**
 * DATABASE_POOL_SIZE: PostgreSQL connections per replica (each replica holds its own pool). At least
 * two: at start one holds the migration lock while the seed runs on another.
 */
export const poolSizeSetting = z.coerce.number().int().min(2).max(1000).default(10);

export interface DatabaseSettings {
  /** A postgres:// URL, or else the SQLite file's absolute path or `:memory:`. */
  url: string;
  /** Where the state is, for the start-up line and refusals: never the PostgreSQL password. */
  label: string;
  /** PostgreSQL connections per replica; SQLite has its one. */
  poolSize: number;
}

/** The database settings from an app's parsed `*_DATABASE_URL`, `*_DATABASE_PATH` and pool size. */
export function databaseSettings(env: {
  url: string | undefined;
  path: string;
  poolSize: number;
}): DatabaseSettings {
  if (env.url !== undefined) {
    const url = new URL(env.url);
    return {
      url: env.url,
      label: `PostgreSQL ${url.hostname}${url.port ? `:${url.port}` : ""}${url.pathname}`,
      poolSize: env.poolSize,
    };
  }
  // ":memory:" is SQLite's name for a database that lives and dies with the process, not a file.
  const path =
    isAbsolute(env.path) || env.path === ":memory:" ? env.path : resolve(REPOSITORY_ROOT, env.path);
  return { url: path, label: `SQLite ${path}`, poolSize: env.poolSize };
}

export const SERVER_ENVIRONMENT = {
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  HOST: z.string().min(1).default("localhost"),
  /** Unset means the port of the server's public URL (its issuer, its MCP resource). */
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  LOG_REQUESTS: booleanFlag.default(true),
  DATABASE_POOL_SIZE: poolSizeSetting,
  /** Which proxies' X-Forwarded-For / Forwarded to believe for the client's address (none by default). */
  TRUST_PROXY: trustProxySetting,
  /** Set: the server's limits count in this Redis, shared by all instances; unset: in memory. */
  REDIS_URL: redisUrlSetting,
  /** Before every Redis key of this server, so deployments can share one Redis. */
  REDIS_KEY_PREFIX: redisKeyPrefixSetting,
  /** LOG_LEVEL, REPLICA_NAME, METRICS_PORT (docs/observability.md). */
  ...OBSERVABILITY_ENVIRONMENT,
};

type ServerEnvironment = z.output<z.ZodObject<typeof SERVER_ENVIRONMENT>>;

export interface ServerSettings {
  mode: "development" | "test" | "production";
  host: string;
  port: number;
  logRequests: boolean;
  /** TRUST_PROXY: whose forwarding headers name the client's address. */
  trustProxy: TrustProxy;
  /** REDIS_URL: where the limits count; in memory when undefined. */
  redisUrl: string | undefined;
  /** REDIS_KEY_PREFIX: before every Redis key of this server. */
  redisKeyPrefix: string;
  database: DatabaseSettings;
  observability: ObservabilitySettings;
}

export function serverSettings(
  env: ServerEnvironment,
  own: {
    /** The URL the server is reached at: its port is the one to listen on unless PORT is set. */
    publicUrl: string;
    /** The app's parsed `*_DATABASE_URL` and `*_DATABASE_PATH`. */
    database: { url: string | undefined; path: string };
  },
): ServerSettings {
  const publicUrl = new URL(own.publicUrl);
  return {
    mode: env.NODE_ENV,
    host: env.HOST,
    port: env.PORT ?? Number(publicUrl.port || (publicUrl.protocol === "https:" ? 443 : 80)),
    logRequests: env.LOG_REQUESTS,
    trustProxy: env.TRUST_PROXY,
    redisUrl: env.REDIS_URL,
    redisKeyPrefix: env.REDIS_KEY_PREFIX,
    database: databaseSettings({ ...own.database, poolSize: env.DATABASE_POOL_SIZE }),
    observability: observabilitySettings(env),
  };
}
