// Process configuration from the environment, validated once at start (README "Configuration").
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  booleanFlag,
  ConfigError,
  canonicalUrl,
  isLoopbackUrl,
  OBSERVABILITY_ENVIRONMENT,
  type ObservabilitySettings,
  observabilitySettings,
  parseEnvironment,
} from "@repo/server-kit";
import { type TrustProxy, trustProxySetting } from "@repo/server-kit/client-address";
import { redisKeyPrefixSetting, redisUrlSetting } from "@repo/server-kit/limits-redis";
import { isPostgresUrl } from "@repo/server-kit/store";
import { z } from "zod";

const REPOSITORY_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** One browser origin (RFC 6454 §6.2 serialisation): scheme, host and port only. */
const OriginSchema = z
  .string()
  .refine((value) => URL.canParse(value) && new URL(value).origin === value && value !== "null", {
    message: "must be comma-separated origins such as https://app.example.com (no path)",
  });

const EnvironmentSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  HOST: z.string().min(1).default("localhost"),
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  MCP_RESOURCE: canonicalUrl()
    .refine(
      (value) => {
        if (!URL.canParse(value)) return true;
        const { pathname } = new URL(value);
        return pathname !== "/" && !pathname.startsWith("/.well-known/") && pathname !== "/health";
      },
      {
        message:
          "must name the MCP endpoint's path (e.g. http://localhost:4100/mcp), outside /.well-known/ and /health",
      },
    )
    .default("http://localhost:4100/mcp"),
  ISSUER: canonicalUrl().default("http://localhost:4000"),
  JWKS_URL: z.url({ protocol: /^https?$/, message: "must be an absolute http(s) URL" }).optional(),
  MCP_DATABASE_PATH: z.string().min(1).default("data/mcp-server.sqlite"),
  // Set, it replaces MCP_DATABASE_PATH. Anything but a PostgreSQL URL is refused: a typo must not
  // quietly give one replica a SQLite file of its own.
  MCP_DATABASE_URL: z
    .string()
    .refine(isPostgresUrl, { message: "must be a postgres:// or postgresql:// URL" })
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(10),
  ALLOWED_ORIGINS: z
    .string()
    .transform((value) =>
      value
        .split(",")
        .map((origin) => origin.trim())
        .filter((origin) => origin !== ""),
    )
    .pipe(z.array(OriginSchema))
    .optional(),
  TOOL_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(120),
  LOG_REQUESTS: booleanFlag.default(true),
  /** Which proxies' X-Forwarded-For / Forwarded to believe for the client's address (none by default). */
  TRUST_PROXY: trustProxySetting,
  /** Set: the tool-call limit counts in this Redis, shared by all instances; unset: in memory. */
  REDIS_URL: redisUrlSetting,
  /** Before every Redis key of this server, so deployments can share one Redis. */
  REDIS_KEY_PREFIX: redisKeyPrefixSetting,
  /** LOG_LEVEL, REPLICA_NAME, METRICS_PORT (docs/observability.md). */
  ...OBSERVABILITY_ENVIRONMENT,
});

/** The environment variables the MCP server reads; docker-compose.yml is tested against this list. */
export const MCP_SERVER_ENVIRONMENT_KEYS = Object.keys(EnvironmentSchema.shape);

export interface McpServerConfig {
  mode: "development" | "test" | "production";
  host: string;
  port: number;
  /** The canonical URL of the MCP endpoint: the `aud` of every token this server accepts. */
  resource: string;
  /** The authorization server whose tokens this server accepts (`iss`). */
  issuer: string;
  /** Where the issuer's keys are fetched from; an internal URL inside docker-compose. */
  jwksUrl: string;
  /** A PostgreSQL URL (MCP_DATABASE_URL), or else the SQLite file's absolute path or `:memory:`. */
  databaseUrl: string;
  /** The same, with any password left out: for log lines. */
  databaseLabel: string;
  /** PostgreSQL connections per replica; SQLite has its one. */
  databasePoolSize: number;
  /** Browser origins allowed besides requests without `Origin`; see http/origin.ts. */
  allowedOrigins: readonly string[];
  /**
   * Any loopback origin (a local MCP Inspector) is allowed too, in development and test while
   * MCP_RESOURCE and ISSUER are loopback URLs.
   */
  allowLoopbackOrigins: boolean;
  /** Tool calls per client_id per minute. */
  toolRateLimit: { limit: number; windowSeconds: number };
  /** Leeway for clock differences between this server and the authorization server, in seconds. */
  clockToleranceSeconds: number;
  logRequests: boolean;
  /** TRUST_PROXY: whose forwarding headers name the client's address. */
  trustProxy: TrustProxy;
  /** REDIS_URL: where the tool-call limit counts; in memory when undefined. */
  redisUrl: string | undefined;
  /** REDIS_KEY_PREFIX: before every Redis key of this server. */
  redisKeyPrefix: string;
  observability: ObservabilitySettings;
}

/** What loadConfig throws; main.ts prints its message and refuses to start. */
export { ConfigError };

function defaultPort(url: URL): number {
  return Number(url.port || (url.protocol === "https:" ? 443 : 80));
}

function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== "") parsed.password = "***";
  return parsed.toString();
}

/** Reads and validates the environment; throws ConfigError naming every bad variable. */
export function loadConfig(environment: Record<string, string | undefined>): McpServerConfig {
  const env = parseEnvironment(EnvironmentSchema, environment);
  const jwksUrl = env.JWKS_URL ?? `${env.ISSUER}/.well-known/jwks.json`;

  const problems: string[] = [];
  if (env.NODE_ENV === "production") {
    const publicUrls = { MCP_RESOURCE: env.MCP_RESOURCE, ISSUER: env.ISSUER, JWKS_URL: jwksUrl };
    for (const [variable, value] of Object.entries(publicUrls)) {
      const url = new URL(value);
      // Plain http lets anyone on the path swap the keys (JWKS_URL) or read the tokens sent here.
      if (url.protocol !== "https:" && !isLoopbackUrl(url)) {
        problems.push(
          `${variable}: must use https in production (http is allowed on loopback only)`,
        );
      }
    }
    for (const origin of env.ALLOWED_ORIGINS ?? []) {
      if (!origin.startsWith("https:") && !isLoopbackUrl(new URL(origin))) {
        problems.push(`ALLOWED_ORIGINS: ${origin} must use https in production`);
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const databaseUrl =
    env.MCP_DATABASE_URL ??
    // ":memory:" is SQLite's name for a database that lives and dies with the process, not a file.
    (isAbsolute(env.MCP_DATABASE_PATH) || env.MCP_DATABASE_PATH === ":memory:"
      ? env.MCP_DATABASE_PATH
      : resolve(REPOSITORY_ROOT, env.MCP_DATABASE_PATH));

  return {
    mode: env.NODE_ENV,
    host: env.HOST,
    port: env.PORT ?? defaultPort(new URL(env.MCP_RESOURCE)),
    resource: env.MCP_RESOURCE,
    issuer: env.ISSUER,
    jwksUrl,
    databaseUrl,
    databaseLabel: env.MCP_DATABASE_URL === undefined ? databaseUrl : withoutPassword(databaseUrl),
    databasePoolSize: env.DATABASE_POOL_SIZE,
    allowedOrigins: env.ALLOWED_ORIGINS ?? [],
    // A loopback Origin is a page on the browser's own computer; it says something only when that is
    // this server's computer too. A development server others reach gets the production rule.
    allowLoopbackOrigins:
      env.NODE_ENV !== "production" &&
      isLoopbackUrl(new URL(env.MCP_RESOURCE)) &&
      isLoopbackUrl(new URL(env.ISSUER)),
    toolRateLimit: { limit: env.TOOL_RATE_LIMIT, windowSeconds: 60 },
    clockToleranceSeconds: 5,
    logRequests: env.LOG_REQUESTS,
    trustProxy: env.TRUST_PROXY,
    redisUrl: env.REDIS_URL,
    redisKeyPrefix: env.REDIS_KEY_PREFIX,
    observability: observabilitySettings(env),
  };
}
