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

/** Development defaults that must never reach a production deployment. */
export const DEVELOPMENT_SECRETS = {
  KEY_ENCRYPTION_SECRET: "development-only-key-encryption-secret-0123456789",
  DEMO_BATCH_CLIENT_SECRET: "demo-batch-secret",
  DEMO_USER_PASSWORD: "demo-password",
  ANALYST_USER_PASSWORD: "analyst-password",
  WEB_CLIENT_SECRET: "web-client-secret",
} as const;

/**
 * The public half of the seeded `private_key_jwt` client demo-batch-jwt's development key, whose
 * private half the demo client publishes (apps/demo-client, `--private-key-jwt`). Anyone can sign
 * as that client with it, so like the secrets above it is refused where others reach the server.
 */
export const DEVELOPMENT_JWT_CLIENT_PUBLIC_KEY = {
  kty: "EC",
  crv: "P-256",
  x: "BFZ9pOkls0zMIDtljBbW92GKLTj9EUqADr_vGdA3Bzs",
  y: "SMP2j-tKueIUS_f4SSnCilxjTantnvT5l7pO2qI3X0Q",
} as const;

/** A JSON object (a JWK); checkPublicJwks in the seed decides whether it is a usable public key. */
const jwkSetting = z.string().transform((text, ctx) => {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // reported below
  }
  ctx.addIssue({ code: "custom", message: "must be a JWK: a JSON object" });
  return z.NEVER;
});

const EnvironmentSchema = z.object({
  /** NODE_ENV, HOST, PORT, LOG_REQUESTS, DATABASE_POOL_SIZE, TRUST_PROXY, REDIS_*, observability. */
  ...SERVER_ENVIRONMENT,
  ISSUER: canonicalUrl()
    .refine((value) => URL.canParse(value) && new URL(value).pathname === "/", {
      message: "must have no path (metadata lives at /.well-known/oauth-authorization-server)",
    })
    .default("http://localhost:4000"),
  MCP_RESOURCE: canonicalUrl().default("http://localhost:4100/mcp"),
  /** The web app (login and consent); /authorize sends the browser to its consent page. */
  WEB_URL: canonicalUrl().default("http://localhost:3000"),
  AUTH_DATABASE_PATH: z.string().min(1).default("data/auth-server.sqlite"),
  /**
   * A postgres:// or postgresql:// URL: the replicas then share that PostgreSQL database and
   * AUTH_DATABASE_PATH is not used. Unset (or empty), the server keeps its own SQLite file.
   */
  AUTH_DATABASE_URL: postgresUrlSetting("AUTH_DATABASE_PATH"),
  KEY_ENCRYPTION_SECRET: z
    .string()
    .min(32, "must be at least 32 characters of random data")
    .default(DEVELOPMENT_SECRETS.KEY_ENCRYPTION_SECRET),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    // OAuth 2.1 §7.1: access tokens are short-lived; resource servers cannot see revocations.
    .max(3600)
    .default(600),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(3600)
    .max(365 * 86_400)
    .default(30 * 86_400),
  /** Unset means 20, or 1000 on a loopback development issuer (see loadConfig). */
  REGISTRATION_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).optional(),
  REGISTRATION_RATE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  /** Authorization requests per client address per minute (each may fetch a metadata document). */
  AUTHORIZATION_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(120),
  SEED_DEMO_DATA: booleanFlag.default(true),
  DEMO_BATCH_CLIENT_SECRET: z.string().min(8).default(DEVELOPMENT_SECRETS.DEMO_BATCH_CLIENT_SECRET),
  /** The public JWK of the seeded private_key_jwt client demo-batch-jwt (RFC 7523 §2.2). */
  DEMO_BATCH_JWT_PUBLIC_KEY: jwkSetting.default({ ...DEVELOPMENT_JWT_CLIENT_PUBLIC_KEY }),
  DEMO_USER_PASSWORD: z.string().min(8).default(DEVELOPMENT_SECRETS.DEMO_USER_PASSWORD),
  ANALYST_USER_PASSWORD: z.string().min(8).default(DEVELOPMENT_SECRETS.ANALYST_USER_PASSWORD),
  /** The web app's confidential client for the internal API (docs/internal-api.md); always seeded. */
  WEB_CLIENT_SECRET: z.string().min(8).default(DEVELOPMENT_SECRETS.WEB_CLIENT_SECRET),
  /** How long the audit log keeps a row; older rows are pruned. */
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** RFC 9700 §4.14.2: an absolute end to a refresh token family, however often it is rotated. */
  REFRESH_FAMILY_MAX_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** A rotated refresh token used again this soon, while its successor is unused, is an honest retry. */
  REFRESH_REUSE_GRACE_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  /** How often expired codes, tokens, interactions and old audit rows are deleted. */
  PRUNE_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(3600),
  /**
   * How often each replica reads the signing keys again, so a rotation on one replica reaches the
   * others' JWKS, introspection and signing within this many seconds.
   */
  KEY_RELOAD_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** Failed client authentications allowed per client id, and per address, every 15 minutes. */
  FAILED_CLIENT_AUTH_LIMIT: z.coerce.number().int().min(1).max(100_000).default(20),
  /** RFC 9449 §8: a DPoP proof at /token must carry this server's current nonce. */
  DPOP_NONCE_REQUIRED: booleanFlag.default(false),
});

/** The environment variables the auth-server reads; docker-compose.yml is tested against this list. */
export const AUTH_SERVER_ENVIRONMENT_KEYS = Object.keys(EnvironmentSchema.shape);

export interface AuthServerConfig extends ServerSettings {
  issuer: string;
  mcpResource: string;
  /** The internal API's resource identifier (`${issuer}/internal`), the `aud` of the web app's tokens. */
  internalResource: string;
  webUrl: string;
  keyEncryptionSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** Leeway for clock differences between this server and resource servers, in seconds. */
  clockToleranceSeconds: number;
  registrationRateLimit: { limit: number; windowSeconds: number };
  authorizationRateLimit: { limit: number; windowSeconds: number };
  /** Failed client authentications at /token, /revoke and /introspect, per client id and per address. */
  failedClientAuthenticationLimit: { limit: number; windowSeconds: number };
  refreshTokenFamilyMaxSeconds: number;
  /** 0 turns the grace off: any reuse of a rotated refresh token revokes its family. */
  refreshTokenReuseGraceSeconds: number;
  auditRetentionDays: number;
  pruneIntervalSeconds: number;
  keyReloadSeconds: number;
  /** RFC 9449 §8: /token refuses a DPoP proof without the current nonce (`use_dpop_nonce`). */
  dpopNonceRequired: boolean;
  seed: {
    enabled: boolean;
    demoBatchClientSecret: string;
    demoBatchJwtPublicKey: Record<string, unknown>;
    demoUserPassword: string;
    analystUserPassword: string;
  };
  webClientSecret: string;
}

/**
 * Why this configuration is a deployment that other people reach, or undefined for a developer's own
 * computer. NODE_ENV alone cannot decide it: a server started with the default NODE_ENV=development
 * but a public ISSUER is just as reachable, and would otherwise run with the secrets published in
 * this repository (anyone could then decrypt its signing keys, sign in as the web app, or as the demo
 * administrator). So any public URL off loopback counts, whatever NODE_ENV says.
 */
export function reachableDeployment(
  config: Pick<AuthServerConfig, "mode" | "issuer" | "mcpResource" | "webUrl">,
): string | undefined {
  const publicUrls = {
    ISSUER: config.issuer,
    MCP_RESOURCE: config.mcpResource,
    WEB_URL: config.webUrl,
  };
  const offLoopback = Object.entries(publicUrls).find(([, url]) => !isLoopbackUrl(new URL(url)));
  if (offLoopback) return `while ${offLoopback[0]} is not a loopback URL`;
  if (config.mode === "production") return "in production";
  return undefined;
}

/** What loadConfig throws; main.ts prints its message and refuses to start. */
export { ConfigError };

/** Reads and validates the environment; throws ConfigError naming every bad variable. */
export function loadConfig(environment: Record<string, string | undefined>): AuthServerConfig {
  const env = parseEnvironment(EnvironmentSchema, environment);

  const problems: string[] = [];
  const deployment = reachableDeployment({
    mode: env.NODE_ENV,
    issuer: env.ISSUER,
    mcpResource: env.MCP_RESOURCE,
    webUrl: env.WEB_URL,
  });
  if (deployment) {
    for (const [variable, developmentValue] of Object.entries(DEVELOPMENT_SECRETS)) {
      const seededOnly = variable !== "KEY_ENCRYPTION_SECRET" && variable !== "WEB_CLIENT_SECRET";
      if (seededOnly && !env.SEED_DEMO_DATA) continue;
      if (env[variable as keyof typeof DEVELOPMENT_SECRETS] === developmentValue) {
        problems.push(
          `${variable}: still the published development default, refused ${deployment}; set a secret value`,
        );
      }
    }
    if (
      env.SEED_DEMO_DATA &&
      env.DEMO_BATCH_JWT_PUBLIC_KEY.x === DEVELOPMENT_JWT_CLIENT_PUBLIC_KEY.x &&
      env.DEMO_BATCH_JWT_PUBLIC_KEY.y === DEVELOPMENT_JWT_CLIENT_PUBLIC_KEY.y
    ) {
      problems.push(
        `DEMO_BATCH_JWT_PUBLIC_KEY: still the published development key (its private half is in the demo client), refused ${deployment}; set the public JWK of a key of your own`,
      );
    }
    if (env.SEED_DEMO_DATA && env.DEMO_BATCH_CLIENT_SECRET.length < 32) {
      problems.push(
        `DEMO_BATCH_CLIENT_SECRET: must be at least 32 random characters ${deployment} (it is stored as a fast digest, so it needs high entropy)`,
      );
    }
    if (env.WEB_CLIENT_SECRET.length < 32) {
      problems.push(
        `WEB_CLIENT_SECRET: must be at least 32 random characters ${deployment} (it is stored as a fast digest, so it needs high entropy)`,
      );
    }
  }
  if (env.NODE_ENV === "production") {
    for (const variable of ["ISSUER", "MCP_RESOURCE", "WEB_URL"] as const) {
      if (new URL(env[variable]).protocol !== "https:" && !isLoopbackUrl(new URL(env[variable]))) {
        problems.push(
          `${variable}: must use https in production (http is allowed on loopback only)`,
        );
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    ...serverSettings(env, {
      publicUrl: env.ISSUER,
      database: { url: env.AUTH_DATABASE_URL, path: env.AUTH_DATABASE_PATH },
    }),
    issuer: env.ISSUER,
    mcpResource: env.MCP_RESOURCE,
    internalResource: `${env.ISSUER}/internal`,
    webUrl: env.WEB_URL,
    keyEncryptionSecret: env.KEY_ENCRYPTION_SECRET,
    accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlSeconds: env.REFRESH_TOKEN_TTL_SECONDS,
    clockToleranceSeconds: 5,
    registrationRateLimit: {
      // A developer trying several MCP clients against a local server registers each of them, often
      // more than once; RFC 7591 §5's abuse guard is for servers others can reach.
      limit:
        env.REGISTRATION_RATE_LIMIT ??
        (env.NODE_ENV !== "production" && isLoopbackUrl(new URL(env.ISSUER)) ? 1000 : 20),
      windowSeconds: env.REGISTRATION_RATE_WINDOW_SECONDS,
    },
    authorizationRateLimit: { limit: env.AUTHORIZATION_RATE_LIMIT, windowSeconds: 60 },
    failedClientAuthenticationLimit: { limit: env.FAILED_CLIENT_AUTH_LIMIT, windowSeconds: 900 },
    refreshTokenFamilyMaxSeconds: env.REFRESH_FAMILY_MAX_DAYS * 86_400,
    refreshTokenReuseGraceSeconds: env.REFRESH_REUSE_GRACE_SECONDS,
    auditRetentionDays: env.AUDIT_RETENTION_DAYS,
    pruneIntervalSeconds: env.PRUNE_INTERVAL_SECONDS,
    keyReloadSeconds: env.KEY_RELOAD_SECONDS,
    dpopNonceRequired: env.DPOP_NONCE_REQUIRED,
    seed: {
      enabled: env.SEED_DEMO_DATA,
      demoBatchClientSecret: env.DEMO_BATCH_CLIENT_SECRET,
      demoBatchJwtPublicKey: env.DEMO_BATCH_JWT_PUBLIC_KEY,
      demoUserPassword: env.DEMO_USER_PASSWORD,
      analystUserPassword: env.ANALYST_USER_PASSWORD,
    },
    webClientSecret: env.WEB_CLIENT_SECRET,
  };
}
