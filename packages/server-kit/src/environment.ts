// Reading a server's settings from the environment once at start (README "Configuration"); each app
// owns its schema, this module owns the shared rules and the shape of the error.
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
      ctx.addIssue({ code: "custom", message: "must use https (or http on loopback)" });
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
