// Configuration: bad variables are named, and production refuses plain http off loopback.
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config";

function problemsOf(environment: Record<string, string>): string[] {
  try {
    loadConfig(environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

const PRODUCTION = {
  NODE_ENV: "production",
  ISSUER: "https://auth.example.com",
  MCP_RESOURCE: "https://mcp.example.com/mcp",
};

describe("loadConfig", () => {
  it("reads TRUST_PROXY and REDIS_URL, none and memory by default", () => {
    expect(loadConfig({})).toMatchObject({ trustProxy: { kind: "none" }, redisUrl: undefined });
    expect(loadConfig({ TRUST_PROXY: "2", REDIS_URL: "redis://127.0.0.1:6379" })).toMatchObject({
      trustProxy: { kind: "hops", hops: 2 },
      redisUrl: "redis://127.0.0.1:6379",
    });
    expect(loadConfig({ TRUST_PROXY: "10.0.0.0/8" }).trustProxy).toMatchObject({
      kind: "addresses",
      ranges: ["10.0.0.0/8"],
    });
  });

  it("refuses a TRUST_PROXY that is no form it knows, and a REDIS_URL that is not redis://", () => {
    expect(problemsOf({ TRUST_PROXY: "yes" })[0]).toMatch(
      /^TRUST_PROXY: "yes" is not an IP address/,
    );
    expect(problemsOf({ REDIS_URL: "http://127.0.0.1:6379" })).toEqual([
      "REDIS_URL: must be a redis:// or rediss:// URL",
    ]);
  });

  it("applies the documented defaults in development", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      mode: "development",
      host: "localhost",
      port: 4100,
      resource: "http://localhost:4100/mcp",
      issuer: "http://localhost:4000",
      jwksUrl: "http://localhost:4000/.well-known/jwks.json",
      allowedOrigins: [],
      allowLoopbackOrigins: true,
      toolRateLimit: { limit: 120, windowSeconds: 60 },
      logRequests: true,
    });
    expect(config.databaseUrl).toMatch(/data[/\\]mcp-server\.sqlite$/);
    expect(config.databasePoolSize).toBe(10);
  });

  it("derives the port from MCP_RESOURCE unless PORT is set", () => {
    expect(loadConfig({ MCP_RESOURCE: "http://localhost:4555/mcp" }).port).toBe(4555);
    expect(loadConfig({ MCP_RESOURCE: "https://mcp.example.com/mcp" }).port).toBe(443);
    expect(loadConfig({ MCP_RESOURCE: "http://localhost:4555/mcp", PORT: "8080" }).port).toBe(8080);
  });

  it("keeps JWKS_URL apart from ISSUER (an internal URL inside docker-compose)", () => {
    const config = loadConfig({
      ISSUER: "http://localhost:4000",
      JWKS_URL: "http://auth-server:4000/.well-known/jwks.json",
    });
    expect(config.issuer).toBe("http://localhost:4000");
    expect(config.jwksUrl).toBe("http://auth-server:4000/.well-known/jwks.json");
  });

  it("keeps SQLite's :memory: name instead of making it a file under the repository", () => {
    expect(loadConfig({ MCP_DATABASE_PATH: ":memory:" }).databaseUrl).toBe(":memory:");
  });

  it("uses PostgreSQL when MCP_DATABASE_URL is set, and keeps its password out of log lines", () => {
    const config = loadConfig({
      MCP_DATABASE_PATH: "/ignored.sqlite",
      MCP_DATABASE_URL: "postgres://mcp:secret@db.internal:5432/mcp",
      DATABASE_POOL_SIZE: "25",
    });
    expect(config.databaseUrl).toBe("postgres://mcp:secret@db.internal:5432/mcp");
    expect(config.databaseLabel).not.toContain("secret");
    expect(config.databasePoolSize).toBe(25);
  });

  it("refuses an MCP_DATABASE_URL that is not PostgreSQL's, rather than quietly using SQLite", () => {
    expect(() => loadConfig({ MCP_DATABASE_URL: "postgress://db/mcp" })).toThrow(
      /MCP_DATABASE_URL/,
    );
    expect(() => loadConfig({ DATABASE_POOL_SIZE: "0" })).toThrow(/DATABASE_POOL_SIZE/);
  });

  it("treats empty variables as unset", () => {
    expect(loadConfig({ MCP_RESOURCE: "", ISSUER: "" }).resource).toBe("http://localhost:4100/mcp");
  });

  it("reads ALLOWED_ORIGINS as a comma-separated list of origins", () => {
    expect(
      loadConfig({ ALLOWED_ORIGINS: "https://app.example.com, http://localhost:6274" })
        .allowedOrigins,
    ).toEqual(["https://app.example.com", "http://localhost:6274"]);
    expect(problemsOf({ ALLOWED_ORIGINS: "https://app.example.com/path" })[0]).toMatch(
      /^ALLOWED_ORIGINS/,
    );
  });

  it.each([
    ["a trailing slash", "http://localhost:4100/mcp/", /must not end with a slash/],
    ["no path", "http://localhost:4100", /must name the MCP endpoint's path/],
    ["a well-known path", "http://localhost:4100/.well-known/mcp", /outside \/\.well-known/],
    ["a query", "http://localhost:4100/mcp?x=1", /query or fragment/],
    ["an uppercase host", "http://LOCALHOST:4100/mcp", /canonical form/],
    ["a default port", "https://mcp.example.com:443/mcp", /canonical form/],
  ])("names MCP_RESOURCE when it has %s", (_, resource, message) => {
    const problems = problemsOf({ MCP_RESOURCE: resource });
    expect(
      problems.some((problem) => problem.startsWith("MCP_RESOURCE") && message.test(problem)),
    ).toBe(true);
  });

  it("reads LOG_LEVEL, REPLICA_NAME and METRICS_PORT, defaulting to info, the hostname and no listener", () => {
    const defaults = loadConfig({}).observability;
    expect(defaults.logLevel).toBe("info");
    expect(defaults.replicaName).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
    expect(defaults.metricsPort).toBeUndefined();
    expect(
      loadConfig({ LOG_LEVEL: "debug", REPLICA_NAME: "replica-2", METRICS_PORT: "9464" })
        .observability,
    ).toEqual({ logLevel: "debug", replicaName: "replica-2", metricsPort: 9464 });
  });

  it("log injection: refuses a REPLICA_NAME that would put a line break or a quote on every line", () => {
    expect(
      problemsOf({ REPLICA_NAME: "a\nforged", LOG_LEVEL: "loud", METRICS_PORT: "70000" })
        .map((problem) => problem.split(":")[0])
        .sort(),
    ).toEqual(["LOG_LEVEL", "METRICS_PORT", "REPLICA_NAME"]);
    expect(problemsOf({ REPLICA_NAME: 'a"b' })).toHaveLength(1);
  });

  it("names every bad variable at once", () => {
    const problems = problemsOf({
      ISSUER: "http://localhost:4000/",
      TOOL_RATE_LIMIT: "0",
      LOG_REQUESTS: "maybe",
      JWKS_URL: "ftp://example.com/jwks",
    });
    expect(problems.map((problem) => problem.split(":")[0]).sort()).toEqual([
      "ISSUER",
      "JWKS_URL",
      "LOG_REQUESTS",
      "TOOL_RATE_LIMIT",
    ]);
  });

  it("starts in production with https URLs, and allows no loopback origins by default", () => {
    const config = loadConfig(PRODUCTION);
    expect(config.mode).toBe("production");
    expect(config.allowLoopbackOrigins).toBe(false);
  });

  it.each([
    ["MCP_RESOURCE", "https://mcp.example.com/mcp"],
    ["ISSUER", "https://auth.example.com"],
  ])(
    "refuses loopback browser origins while %s is public, even with NODE_ENV=development",
    (variable, url) => {
      expect(loadConfig({ NODE_ENV: "development", [variable]: url }).allowLoopbackOrigins).toBe(
        false,
      );
    },
  );

  it.each(["MCP_RESOURCE", "ISSUER", "JWKS_URL"])(
    "refuses plain http for a non-loopback %s in production",
    (variable) => {
      const url =
        variable === "MCP_RESOURCE" ? "http://mcp.example.com/mcp" : "http://auth.example.com";
      const value = variable === "JWKS_URL" ? `${url}/.well-known/jwks.json` : url;
      const problems = problemsOf({ ...PRODUCTION, [variable]: value });
      expect(problems.some((problem) => problem.startsWith(`${variable}: must use https`))).toBe(
        true,
      );
    },
  );

  it("refuses a plain-http browser origin in production", () => {
    expect(problemsOf({ ...PRODUCTION, ALLOWED_ORIGINS: "http://app.example.com" })[0]).toMatch(
      /^ALLOWED_ORIGINS: http:\/\/app\.example\.com must use https/,
    );
  });
});
