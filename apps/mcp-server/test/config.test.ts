// Configuration: bad variables are named, and production refuses plain http off loopback.
import { configProblems, describeServerSettings } from "@repo/server-kit/testing/server-settings";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config";

const problemsOf = (environment: Record<string, string>) => configProblems(loadConfig, environment);

describeServerSettings({
  loadConfig,
  publicUrl: { variable: "MCP_RESOURCE", default: "http://localhost:4100/mcp" },
  database: {
    urlVariable: "MCP_DATABASE_URL",
    pathVariable: "MCP_DATABASE_PATH",
    defaultFile: "data/mcp-server.sqlite",
  },
});

const PRODUCTION = {
  NODE_ENV: "production",
  ISSUER: "https://auth.example.com",
  MCP_RESOURCE: "https://mcp.example.com/mcp",
};

describe("loadConfig", () => {
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
    expect(config.database.url).toMatch(/data[/\\]mcp-server\.sqlite$/);
    expect(config.database.poolSize).toBe(10);
  });

  it("listens on 443 for an https MCP_RESOURCE that names no port", () => {
    expect(loadConfig({ MCP_RESOURCE: "https://mcp.example.com/mcp" }).port).toBe(443);
  });

  it("keeps JWKS_URL apart from ISSUER (an internal URL inside docker-compose)", () => {
    const config = loadConfig({
      ISSUER: "http://localhost:4000",
      JWKS_URL: "http://auth-server:4000/.well-known/jwks.json",
    });
    expect(config.issuer).toBe("http://localhost:4000");
    expect(config.jwksUrl).toBe("http://auth-server:4000/.well-known/jwks.json");
  });

  it("treats an empty ISSUER as unset", () => {
    expect(loadConfig({ MCP_RESOURCE: "", ISSUER: "" }).issuer).toBe("http://localhost:4000");
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
