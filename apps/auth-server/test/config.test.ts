// Configuration: bad variables are named, and production refuses every published default.
import { configProblems, describeServerSettings } from "@repo/server-kit/testing/server-settings";
import { describe, expect, it } from "vitest";
import { DEVELOPMENT_JWT_CLIENT_PUBLIC_KEY, DEVELOPMENT_SECRETS, loadConfig } from "../src/config";
import { allowsPrivateNetworkFetches } from "../src/oauth/client-metadata-document";
import { DEPLOYMENT_JWT_CLIENT_PUBLIC_KEY } from "./support/test-server";

const problemsOf = (environment: Record<string, string>) => configProblems(loadConfig, environment);

describeServerSettings({
  loadConfig,
  publicUrl: { variable: "ISSUER", default: "http://localhost:4000" },
  database: {
    urlVariable: "AUTH_DATABASE_URL",
    pathVariable: "AUTH_DATABASE_PATH",
    defaultFile: "data/auth-server.sqlite",
  },
});

const PRODUCTION_SECRETS = {
  NODE_ENV: "production",
  ISSUER: "https://auth.example.com",
  MCP_RESOURCE: "https://mcp.example.com/mcp",
  WEB_URL: "https://login.example.com",
  KEY_ENCRYPTION_SECRET: "k".repeat(48),
  WEB_CLIENT_SECRET: "w".repeat(48),
  DEMO_BATCH_CLIENT_SECRET: "s".repeat(48),
  DEMO_BATCH_JWT_PUBLIC_KEY: DEPLOYMENT_JWT_CLIENT_PUBLIC_KEY,
  DEMO_USER_PASSWORD: "a-real-password-1",
  ANALYST_USER_PASSWORD: "a-real-password-2",
};

describe("loadConfig", () => {
  it("applies the documented defaults in development", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      mode: "development",
      issuer: "http://localhost:4000",
      mcpResource: "http://localhost:4100/mcp",
      port: 4000,
      accessTokenTtlSeconds: 600,
    });
    expect(config.database.url).toMatch(/data[/\\]auth-server\.sqlite$/);
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

  it("refuses production with the published development key of demo-batch-jwt, however it is written", () => {
    for (const written of [undefined, JSON.stringify(DEVELOPMENT_JWT_CLIENT_PUBLIC_KEY, null, 2)]) {
      const environment: Record<string, string> = { ...PRODUCTION_SECRETS };
      if (written === undefined) delete environment.DEMO_BATCH_JWT_PUBLIC_KEY;
      else environment.DEMO_BATCH_JWT_PUBLIC_KEY = written;
      expect(problemsOf(environment)).toEqual([
        expect.stringMatching(/^DEMO_BATCH_JWT_PUBLIC_KEY: still the published development key/),
      ]);
    }
  });

  it("names a DEMO_BATCH_JWT_PUBLIC_KEY that is not a JSON object", () => {
    expect(problemsOf({ DEMO_BATCH_JWT_PUBLIC_KEY: "[1]" })[0]).toMatch(
      /^DEMO_BATCH_JWT_PUBLIC_KEY: must be a JWK/,
    );
  });

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

describe("the signing keys", () => {
  it("reload the signing keys every 30 seconds unless KEY_RELOAD_SECONDS says otherwise", () => {
    expect(loadConfig({}).keyReloadSeconds).toBe(30);
    expect(loadConfig({ KEY_RELOAD_SECONDS: "2" }).keyReloadSeconds).toBe(2);
    expect(problemsOf({ KEY_RELOAD_SECONDS: "0" })[0]).toMatch(/^KEY_RELOAD_SECONDS/);
  });
});
