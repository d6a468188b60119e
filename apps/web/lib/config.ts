// The web app's settings from the environment, validated when a request first needs them.
import { type TrustProxy, trustProxySetting } from "@repo/server-kit/client-address";
import { z } from "zod";

/** Development defaults, published in this repository: a deployment must replace every one. */
export const DEVELOPMENT_SECRETS = {
  WEB_CLIENT_SECRET: "web-client-secret",
  SESSION_SECRET: "development-only-session-secret-0123456789abcdef",
} as const;

const LOOPBACK_HOSTNAMES: ReadonlySet<string> = new Set(["127.0.0.1", "[::1]", "localhost"]);

function isLoopback(url: string): boolean {
  return LOOPBACK_HOSTNAMES.has(new URL(url).hostname);
}

/** The URLs other people reach: the web app itself, the issuer, the MCP server. */
const PUBLIC_URLS = ["WEB_URL", "ISSUER", "MCP_RESOURCE"] as const;

/** An origin-like base URL without a trailing slash, so `${url}/path` is always well formed. */
function baseUrl() {
  return z
    .string()
    .refine((value) => URL.canParse(value), "must be an absolute URL")
    .refine(
      (value) => ["http:", "https:"].includes(new URL(value).protocol),
      "must use http or https",
    )
    .refine(
      (value) => !value.endsWith("/") && !value.includes("?") && !value.includes("#"),
      "must not end with a slash or carry a query or fragment",
    );
}

const WebEnvironmentSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  WEB_URL: baseUrl().default("http://localhost:3000"),
  ISSUER: baseUrl().default("http://localhost:4000"),
  AUTH_INTERNAL_URL: baseUrl().optional(),
  MCP_RESOURCE: baseUrl().default("http://localhost:4100/mcp"),
  MCP_INTERNAL_URL: baseUrl().optional(),
  WEB_CLIENT_ID: z.string().min(1).default("web"),
  WEB_CLIENT_SECRET: z.string().min(8).default(DEVELOPMENT_SECRETS.WEB_CLIENT_SECRET),
  SESSION_SECRET: z
    .string()
    .min(32, "must be at least 32 characters of random data")
    .default(DEVELOPMENT_SECRETS.SESSION_SECRET),
  TRUST_PROXY: trustProxySetting,
});

/** The environment variables the web app reads; docker-compose.yml is tested against this list. */
export const WEB_ENVIRONMENT_KEYS = Object.keys(WebEnvironmentSchema.shape);

export interface WebConfig {
  mode: "development" | "test" | "production";
  /** This app's public origin: cookies, CSRF `Origin` checks and absolute links use it. */
  webUrl: string;
  issuer: string;
  /** Where this server reaches the auth-server; differs from the public issuer inside docker-compose. */
  authInternalUrl: string;
  /** The internal API's RFC 8707 resource identifier (docs/internal-api.md). */
  internalApiResource: string;
  /** The MCP server's canonical resource identifier: the audience of the audit-log token. */
  mcpResource: string;
  /** Where this server reaches the MCP server (its origin); differs inside docker-compose. */
  mcpInternalUrl: string;
  webClient: { clientId: string; clientSecret: string };
  sessionSecret: string;
  /** Whether `X-Forwarded-For` comes from a reverse proxy we run, rather than from the browser. */
  /** TRUST_PROXY, as the auth-server and the MCP server read it. */
  trustProxy: TrustProxy;
}

export class WebConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "WebConfigError";
  }
}

export function loadWebConfig(environment: Record<string, string | undefined>): WebConfig {
  // An empty string in a .env file means "not set", so defaults still apply.
  const present = Object.fromEntries(
    Object.entries(environment).filter(([, value]) => value !== undefined && value !== ""),
  );
  const parsed = WebEnvironmentSchema.safeParse(present);
  if (!parsed.success) {
    throw new WebConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`),
    );
  }
  const env = parsed.data;

  // `next start` always runs with NODE_ENV=production, also for the local demo on localhost, and
  // `next dev` with NODE_ENV=development may still be reachable from a network: NODE_ENV says nothing
  // about who can reach this app. What makes a deployment is a public URL off this computer, so the
  // published defaults are refused as soon as any of them names another host.
  const problems: string[] = [];
  const offLoopback = PUBLIC_URLS.find((variable) => !isLoopback(env[variable]));
  if (offLoopback) {
    for (const [variable, developmentValue] of Object.entries(DEVELOPMENT_SECRETS)) {
      if (env[variable as keyof typeof DEVELOPMENT_SECRETS] === developmentValue) {
        problems.push(
          `${variable}: still the published development default, refused while ${offLoopback} is not a loopback URL; set a secret value`,
        );
      }
    }
  }
  if (env.NODE_ENV === "production" && !isLoopback(env.WEB_URL)) {
    if (new URL(env.WEB_URL).protocol !== "https:") {
      problems.push("WEB_URL: must use https when it is not a loopback address");
    }
  }
  if (problems.length > 0) throw new WebConfigError(problems);

  return {
    mode: env.NODE_ENV,
    webUrl: env.WEB_URL,
    issuer: env.ISSUER,
    authInternalUrl: env.AUTH_INTERNAL_URL ?? env.ISSUER,
    internalApiResource: `${env.ISSUER}/internal`,
    mcpResource: env.MCP_RESOURCE,
    mcpInternalUrl: env.MCP_INTERNAL_URL ?? new URL(env.MCP_RESOURCE).origin,
    webClient: { clientId: env.WEB_CLIENT_ID, clientSecret: env.WEB_CLIENT_SECRET },
    sessionSecret: env.SESSION_SECRET,
    trustProxy: env.TRUST_PROXY,
  };
}

let cached: WebConfig | undefined;

/**
 * The process's configuration, read on first use at request time rather than at import time, so
 * `next build` never needs the deployment's secrets.
 */
export function webConfig(): WebConfig {
  cached ??= loadWebConfig(process.env);
  return cached;
}
