// Reading a server's settings from the environment once at start (README "Configuration"); each app
// owns its schema, this module owns the shared rules and the shape of the error.
import { hostname } from "node:os";
import { z } from "zod";

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * Parses the environment with an app's schema; throws ConfigError naming every bad variable
 * ("VARIABLE: message"). An empty string in a .env file means "not set", so defaults still apply.
 */
export function parseEnvironment<Schema extends z.ZodType>(
  schema: Schema,
  environment: Record<string, string | undefined>,
): z.output<Schema> {
  const present = Object.fromEntries(
    Object.entries(environment).filter(([, value]) => value !== undefined && value !== ""),
  );
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`),
    );
  }
  return parsed.data;
}

export const booleanFlag = z
  .enum(["true", "false", "1", "0"])
  .transform((value) => value === "true" || value === "1");

/** A URL compared verbatim everywhere it appears (issuer, `aud`, metadata): one canonical string. */
export function canonicalUrl() {
  return z.string().superRefine((value, ctx) => {
    if (!URL.canParse(value)) {
      ctx.addIssue({ code: "custom", message: "must be an absolute URL" });
      return;
    }
    const url = new URL(value);
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      // "localhost:4000" parses with the scheme "localhost:"; the other rules would only add noise.
      ctx.addIssue({ code: "custom", message: "must use https (or http on loopback)" });
      return;
    }
    if (url.search || url.hash || value.includes("#") || value.includes("?")) {
      ctx.addIssue({ code: "custom", message: "must not have a query or fragment" });
    }
    if (value.endsWith("/")) {
      // RFC 8414 §3, RFC 8707 §2 and RFC 9728 §3.3 compare identifiers as strings: "…/mcp/" is another
      // resource than "…/mcp", and every token minted for one would be refused by the other. A trailing
      // slash is the most common cause of issuer and audience mismatches.
      ctx.addIssue({ code: "custom", message: "must not end with a slash" });
    }
    if (url.username || url.password) {
      ctx.addIssue({ code: "custom", message: "must not contain credentials" });
    }
    const canonical = `${url.protocol}//${url.host}${url.pathname === "/" ? "" : url.pathname}`;
    if (!value.endsWith("/") && value !== canonical) {
      ctx.addIssue({
        code: "custom",
        message: "must be in canonical form (lowercase scheme and host, no default port)",
      });
    }
  });
}

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** REPLICA_NAME: a short name for one copy of a server, in log lines and metric labels. */
const REPLICA_NAME = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The observability settings both servers read (docs/observability.md); each app spreads these into
 * its environment schema and passes the parsed values to `observabilitySettings`.
 */
export const OBSERVABILITY_ENVIRONMENT = {
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  /** Unset means the machine's (or container's) hostname. */
  REPLICA_NAME: z
    .string()
    .regex(REPLICA_NAME, "must be 1–64 characters of letters, digits, '.', '_' and '-'")
    .optional(),
  /** Unset means no metrics listener; the public port never serves /metrics. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
};

export interface ObservabilitySettings {
  logLevel: LogLevel;
  replicaName: string;
  /** Where GET /metrics is served (on HOST), or undefined for nowhere. */
  metricsPort: number | undefined;
}

export function observabilitySettings(env: {
  LOG_LEVEL: LogLevel;
  REPLICA_NAME?: string | undefined;
  METRICS_PORT?: number | undefined;
}): ObservabilitySettings {
  return {
    logLevel: env.LOG_LEVEL,
    // A hostname can be longer than a label should be, or hold characters a name here may not.
    replicaName:
      env.REPLICA_NAME ??
      (hostname()
        .replace(/[^A-Za-z0-9._-]/g, "-")
        .slice(0, 64) ||
        "replica"),
    metricsPort: env.METRICS_PORT,
  };
}
