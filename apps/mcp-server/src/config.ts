// Process configuration from the environment, validated once at start (README "Configuration").
import {
  booleanFlag,
  ConfigError,
  canonicalUrl,
  isLoopbackUrl,
  parseEnvironment,
} from "@repo/server-kit";
import {
  postgresUrlSetting,
  SERVER_ENVIRONMENT,
  type ServerSettings,
  serverSettings,
} from "@repo/server-kit/server-settings";
import { z } from "zod";

/** One browser origin (RFC 6454 §6.2 serialisation): scheme, host and port only. */
const OriginSchema = z
  .string()
  .refine((value) => URL.canParse(value) && new URL(value).origin === value && value !== "null", {
    message: "must be comma-separated origins such as https://app.example.com (no path)",
  });

const EnvironmentSchema = z.object({
  /** NODE_ENV, HOST, PORT, LOG_REQUESTS, DATABASE_POOL_SIZE, TRUST_PROXY, REDIS_*, observability. */
  ...SERVER_ENVIRONMENT,
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
  /** Set, a PostgreSQL database several replicas share replaces the SQLite file at MCP_DATABASE_PATH. */
  MCP_DATABASE_URL: postgresUrlSetting("MCP_DATABASE_PATH"),
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
  /** Set, bearer tokens are refused: only DPoP-bound tokens with their proof (RFC 9449) get in. */
  DPOP_REQUIRED: booleanFlag.default(false),
});

/** The environment variables the MCP server reads; docker-compose.yml is tested against this list. */
export const MCP_SERVER_ENVIRONMENT_KEYS = Object.keys(EnvironmentSchema.shape);

export interface McpServerConfig extends ServerSettings {
  /** The canonical URL of the MCP endpoint: the `aud` of every token this server accepts. */
  resource: string;
  /** The authorization server whose tokens this server accepts (`iss`). */
  issuer: string;
  /** Where the issuer's keys are fetched from; an internal URL inside docker-compose. */
  jwksUrl: string;
  /** Browser origins allowed besides requests without `Origin`; see http/origin.ts. */
  allowedOrigins: readonly string[];
  /**
   * Any loopback origin (a local MCP Inspector) is allowed too, in development and test while
   * MCP_RESOURCE and ISSUER are loopback URLs.
   */
  allowLoopbackOrigins: boolean;
  /**
   * RFC 9449: DPoP-bound tokens are always accepted with their proof and never as bearer tokens;
   * `required` refuses unbound bearer tokens too.
   */
  dpop: { required: boolean };
  /** Tool calls per client_id per minute. */
  toolRateLimit: { limit: number; windowSeconds: number };
  /** Leeway for clock differences between this server and the authorization server, in seconds. */
  clockToleranceSeconds: number;
}

/** What loadConfig throws; main.ts prints its message and refuses to start. */
export { ConfigError };

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

  return {
    ...serverSettings(env, {
      publicUrl: env.MCP_RESOURCE,
      database: { url: env.MCP_DATABASE_URL, path: env.MCP_DATABASE_PATH },
    }),
    resource: env.MCP_RESOURCE,
    issuer: env.ISSUER,
    jwksUrl,
    allowedOrigins: env.ALLOWED_ORIGINS ?? [],
    // A loopback Origin is a page on the browser's own computer; it says something only when that is
    // this server's computer too. A development server others reach gets the production rule.
    allowLoopbackOrigins:
      env.NODE_ENV !== "production" &&
      isLoopbackUrl(new URL(env.MCP_RESOURCE)) &&
      isLoopbackUrl(new URL(env.ISSUER)),
    dpop: { required: env.DPOP_REQUIRED },
    toolRateLimit: { limit: env.TOOL_RATE_LIMIT, windowSeconds: 60 },
    clockToleranceSeconds: 5,
  };
}
