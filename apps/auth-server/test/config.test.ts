// Configuration: bad variables are named, and production refuses every published default.
import { describe, expect, it } from "vitest";
import { ConfigError, DEVELOPMENT_SECRETS, describeDatabase, loadConfig } from "../src/config";
import { allowsPrivateNetworkFetches } from "../src/oauth/client-metadata-document";

function problemsOf(environment: Record<string, string>): string[] {
  try {
    loadConfig(environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

const PRODUCTION_SECRETS = {
  NODE_ENV: "production",
  ISSUER: "https://auth.example.com",
  MCP_RESOURCE: "https://mcp.example.com/mcp",
  WEB_URL: "https://login.example.com",
  KEY_ENCRYPTION_SECRET: "k".repeat(48),
  WEB_CLIENT_SECRET: "w".repeat(48),
  DEMO_BATCH_CLIENT_SECRET: "s".repeat(48),
  DEMO_USER_PASSWORD: "a-real-password-1",
  ANALYST_USER_PASSWORD: "a-real-password-2",
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
      issuer: "http://localhost:4000",
      mcpResource: "http://localhost:4100/mcp",
      port: 4000,
      accessTokenTtlSeconds: 600,
    });
    expect(config.databasePath).toMatch(/data[/\\]auth-server\.sqlite$/);
  });

  it("derives the port from the issuer unless PORT is set", () => {
    expect(loadConfig({ ISSUER: "http://localhost:4555" }).port).toBe(4555);
    expect(loadConfig({ ISSUER: "http://localhost:4555", PORT: "8080" }).port).toBe(8080);
  });

  it("treats empty variables as unset", () => {
    expect(loadConfig({ ISSUER: "" }).issuer).toBe("http://localhost:4000");
  });

  it.each([
    ["a trailing slash", "http://localhost:4000/", /must not end with a slash/],
    ["a path", "http://localhost:4000/oauth", /must have no path/],
    ["a query", "http://localhost:4000?x=1", /query or fragment/],
    ["no scheme", "localhost:4000", /absolute URL|https/],
    ["an uppercase host", "http://LOCALHOST:4000", /canonical form/],
    ["a default port", "https://auth.example.com:443", /canonical form/],
  ])("names ISSUER when it has %s", (_, issuer, message) => {
    const problems = problemsOf({ ISSUER: issuer });
    expect(problems.some((problem) => problem.startsWith("ISSUER") && message.test(problem))).toBe(
      true,
    );
  });

  it("names MCP_RESOURCE when it has a trailing slash", () => {
    expect(problemsOf({ MCP_RESOURCE: "http://localhost:4100/mcp/" })[0]).toMatch(/^MCP_RESOURCE/);
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
      ACCESS_TOKEN_TTL_SECONDS: "86400",
      KEY_ENCRYPTION_SECRET: "short",
      SEED_DEMO_DATA: "maybe",
    });
    expect(problems.map((problem) => problem.split(":")[0]).sort()).toEqual([
      "ACCESS_TOKEN_TTL_SECONDS",
      "KEY_ENCRYPTION_SECRET",
      "SEED_DEMO_DATA",
    ]);
  });

  it("starts in production when every secret is set", () => {
    expect(loadConfig(PRODUCTION_SECRETS).mode).toBe("production");
  });

  it.each(Object.keys(DEVELOPMENT_SECRETS))(
    "refuses production with the published development default of %s",
    (variable) => {
      const environment: Record<string, string> = { ...PRODUCTION_SECRETS };
      delete environment[variable];
      const problems = problemsOf(environment);
      expect(problems.some((problem) => problem.startsWith(variable))).toBe(true);
    },
  );

  it("needs no demo secrets in production when demo data is not seeded", () => {
    expect(
      loadConfig({
        NODE_ENV: "production",
        ISSUER: "https://auth.example.com",
        MCP_RESOURCE: "https://mcp.example.com/mcp",
        WEB_URL: "https://login.example.com",
        KEY_ENCRYPTION_SECRET: "k".repeat(48),
        WEB_CLIENT_SECRET: "w".repeat(48),
        SEED_DEMO_DATA: "false",
      }).seed.enabled,
    ).toBe(false);
  });

  it("refuses a low-entropy demo-batch secret in production", () => {
    expect(
      problemsOf({ ...PRODUCTION_SECRETS, DEMO_BATCH_CLIENT_SECRET: "short-secret" })[0],
    ).toMatch(/^DEMO_BATCH_CLIENT_SECRET/);
  });

  it("refuses a low-entropy web client secret in production", () => {
    expect(problemsOf({ ...PRODUCTION_SECRETS, WEB_CLIENT_SECRET: "short-secret" })[0]).toMatch(
      /^WEB_CLIENT_SECRET/,
    );
  });

  it("refuses plain http for a non-loopback web app in production", () => {
    expect(problemsOf({ ...PRODUCTION_SECRETS, WEB_URL: "http://login.example.com" })[0]).toMatch(
      /^WEB_URL: must use https/,
    );
  });

  it("refuses plain http for a non-loopback issuer in production", () => {
    expect(problemsOf({ ...PRODUCTION_SECRETS, ISSUER: "http://auth.example.com" })[0]).toMatch(
      /^ISSUER: must use https/,
    );
  });

  it("allows 1000 registrations per window on a loopback development issuer, 20 elsewhere", () => {
    // A developer trying several MCP clients against a local server must not meet a 429.
    expect(loadConfig({}).registrationRateLimit.limit).toBe(1000);
    expect(loadConfig({ ISSUER: "http://127.0.0.1:4000" }).registrationRateLimit.limit).toBe(1000);
    expect(
      loadConfig({ ...PRODUCTION_SECRETS, NODE_ENV: "development" }).registrationRateLimit.limit,
    ).toBe(20);
    expect(
      loadConfig({ ...PRODUCTION_SECRETS, ISSUER: "https://localhost:4000" }).registrationRateLimit
        .limit,
    ).toBe(20);
  });

  it("lets an explicit REGISTRATION_RATE_LIMIT win on a loopback issuer", () => {
    expect(loadConfig({ REGISTRATION_RATE_LIMIT: "3" }).registrationRateLimit.limit).toBe(3);
  });

  it("applies the refresh, retention and failed-authentication defaults", () => {
    expect(loadConfig({})).toMatchObject({
      refreshTokenFamilyMaxSeconds: 90 * 86_400,
      refreshTokenReuseGraceSeconds: 30,
      auditRetentionDays: 90,
      pruneIntervalSeconds: 3600,
      failedClientAuthenticationLimit: { limit: 20, windowSeconds: 900 },
    });
    expect(loadConfig({ REFRESH_REUSE_GRACE_SECONDS: "0" }).refreshTokenReuseGraceSeconds).toBe(0);
    expect(problemsOf({ REFRESH_REUSE_GRACE_SECONDS: "-1" })[0]).toMatch(
      /^REFRESH_REUSE_GRACE_SECONDS/,
    );
  });
});

/** A server other people reach while NODE_ENV keeps its default, development: each public URL in turn. */
const PUBLIC_URLS = [
  ["ISSUER", "https://auth.example.com"],
  ["MCP_RESOURCE", "https://mcp.example.com/mcp"],
  ["WEB_URL", "https://login.example.com"],
] as const;

describe("the published development secrets off loopback, whatever NODE_ENV says", () => {
  it("refuses the published key-encryption secret on a public issuer even with NODE_ENV=development", () => {
    const problems = problemsOf({ NODE_ENV: "development", ISSUER: "https://auth.example.com" });
    expect(problems).toContainEqual(
      expect.stringMatching(/^KEY_ENCRYPTION_SECRET: still the published development default/),
    );
  });

  it.each(PUBLIC_URLS)(
    "refuses every published secret and demo password while %s is public, naming each",
    (variable, url) => {
      const problems = problemsOf({ NODE_ENV: "development", [variable]: url });
      for (const secret of Object.keys(DEVELOPMENT_SECRETS)) {
        expect(problems).toContainEqual(
          expect.stringMatching(new RegExp(`^${secret}: .*refused while ${variable} is not`)),
        );
      }
    },
  );

  it("refuses the published web client secret on a public issuer in test mode too", () => {
    const problems = problemsOf({ NODE_ENV: "test", ISSUER: "https://auth.example.com" });
    expect(problems).toContainEqual(expect.stringMatching(/^WEB_CLIENT_SECRET: still/));
  });

  it("refuses low-entropy client secrets on a public issuer even with NODE_ENV=development", () => {
    const problems = problemsOf({
      ...PRODUCTION_SECRETS,
      NODE_ENV: "development",
      DEMO_BATCH_CLIENT_SECRET: "short-secret",
      WEB_CLIENT_SECRET: "short-secret",
    });
    expect(problems.map((problem) => problem.split(":")[0]).sort()).toEqual([
      "DEMO_BATCH_CLIENT_SECRET",
      "WEB_CLIENT_SECRET",
    ]);
  });

  it("starts a public development server once every secret is replaced", () => {
    expect(loadConfig({ ...PRODUCTION_SECRETS, NODE_ENV: "development" }).mode).toBe("development");
  });

  it("keeps the published defaults for a development server whose public URLs are all loopback (npm run demo, docker-compose)", () => {
    const config = loadConfig({
      NODE_ENV: "development",
      ISSUER: "http://127.0.0.1:4000",
      MCP_RESOURCE: "http://[::1]:4100/mcp",
      WEB_URL: "http://localhost:3000",
    });
    expect(config.keyEncryptionSecret).toBe(DEVELOPMENT_SECRETS.KEY_ENCRYPTION_SECRET);
  });
});

describe("metadata-document fetches to private addresses", () => {
  it("are allowed on a developer's own computer: not production, every public URL on loopback", () => {
    expect(allowsPrivateNetworkFetches(loadConfig({}))).toBe(true);
    expect(allowsPrivateNetworkFetches(loadConfig({ NODE_ENV: "test" }))).toBe(true);
  });

  it("refuses private metadata-document targets on a public issuer even with NODE_ENV=development", () => {
    const config = loadConfig({ ...PRODUCTION_SECRETS, NODE_ENV: "development" });
    expect(allowsPrivateNetworkFetches(config)).toBe(false);
  });

  it.each(PUBLIC_URLS)(
    "refuses private metadata-document targets in development while only %s is public",
    (variable, url) => {
      const config = loadConfig({
        ...PRODUCTION_SECRETS,
        NODE_ENV: "development",
        ISSUER: "http://localhost:4000",
        MCP_RESOURCE: "http://localhost:4100/mcp",
        WEB_URL: "http://localhost:3000",
        [variable]: url,
      });
      expect(allowsPrivateNetworkFetches(config)).toBe(false);
    },
  );

  it("refuses private metadata-document targets in production, even on loopback", () => {
    const config = loadConfig({
      ...PRODUCTION_SECRETS,
      ISSUER: "http://localhost:4000",
      MCP_RESOURCE: "http://localhost:4100/mcp",
      WEB_URL: "http://localhost:3000",
    });
    expect(allowsPrivateNetworkFetches(config)).toBe(false);
  });
});

describe("the database settings", () => {
  it("keep the SQLite file when AUTH_DATABASE_URL is unset or empty, exactly as without it", () => {
    for (const environment of [{}, { AUTH_DATABASE_URL: "" }]) {
      const config = loadConfig(environment);
      expect(config.databaseUrl).toBeUndefined();
      expect(config.databasePath).toMatch(/data[/\\]auth-server\.sqlite$/);
      expect(describeDatabase(config)).toBe(`SQLite ${config.databasePath}`);
    }
  });

  it.each(["postgres://auth@db.internal:5432/auth", "postgresql://auth:secret@db.internal/auth"])(
    "use PostgreSQL for %s, and never print its password",
    (url) => {
      const config = loadConfig({ AUTH_DATABASE_URL: url });
      expect(config.databaseUrl).toBe(url);
      expect(describeDatabase(config)).toMatch(/^PostgreSQL db\.internal(:5432)?\/auth$/);
    },
  );

  it.each(["mysql://db/auth", "/var/lib/auth.sqlite", "https://db.internal/auth"])(
    "refuses AUTH_DATABASE_URL=%s, naming it",
    (url) => {
      expect(problemsOf({ AUTH_DATABASE_URL: url })).toEqual([
        expect.stringMatching(/^AUTH_DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/),
      ]);
    },
  );

  it("pool 10 connections per replica unless DATABASE_POOL_SIZE says otherwise", () => {
    expect(loadConfig({}).databasePoolSize).toBe(10);
    expect(loadConfig({ DATABASE_POOL_SIZE: "25" }).databasePoolSize).toBe(25);
    expect(problemsOf({ DATABASE_POOL_SIZE: "1" })[0]).toMatch(/^DATABASE_POOL_SIZE/);
  });

  it("reload the signing keys every 30 seconds unless KEY_RELOAD_SECONDS says otherwise", () => {
    expect(loadConfig({}).keyReloadSeconds).toBe(30);
    expect(loadConfig({ KEY_RELOAD_SECONDS: "2" }).keyReloadSeconds).toBe(2);
    expect(problemsOf({ KEY_RELOAD_SECONDS: "0" })[0]).toMatch(/^KEY_RELOAD_SECONDS/);
  });
});
