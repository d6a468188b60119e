// The web app's settings from the environment, validated when a request first needs them, by the
// same rules as the servers' (@repo/server-kit: empty means unset, one line per bad variable).
import { ConfigError, canonicalUrl, isLoopbackUrl, parseEnvironment } from "@repo/server-kit";
import { type TrustProxy, trustProxySetting } from "@repo/server-kit/client-address";
import { z } from "zod";

/** Development defaults, published in this repository: a deployment must replace every one. */
export const DEVELOPMENT_SECRETS = {
  WEB_CLIENT_SECRET: "web-client-secret",
  SESSION_SECRET: "development-only-session-secret-0123456789abcdef",
} as const;

function isLoopback(url: string): boolean {
  return isLoopbackUrl(new URL(url));
}

/** The URLs other people reach: the web app itself, the issuer, the MCP server. */
const PUBLIC_URLS = ["WEB_URL", "ISSUER", "MCP_RESOURCE"] as const;

const WebEnvironmentSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  // Canonical, as the servers read them: the issuer and resource are compared verbatim, and each is
  // a base for `${url}/path`.
  WEB_URL: canonicalUrl().default("http://localhost:3000"),
  ISSUER: canonicalUrl().default("http://localhost:4000"),
  AUTH_INTERNAL_URL: canonicalUrl().optional(),
  MCP_RESOURCE: canonicalUrl().default("http://localhost:4100/mcp"),
  MCP_INTERNAL_URL: canonicalUrl().optional(),
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
  /** TRUST_PROXY, as the auth-server and the MCP server read it. */
  trustProxy: TrustProxy;
}

/** What loadWebConfig throws: `problems` holds one `VARIABLE: message` line per bad variable. */
export { ConfigError as WebConfigError };

export function loadWebConfig(environment: Record<string, string | undefined>): WebConfig {
  const env = parseEnvironment(WebEnvironmentSchema, environment);

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
  if (problems.length > 0) throw new ConfigError(problems);

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
