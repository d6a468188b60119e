// The configuration cases every server must pass for the settings it reads through
// @repo/server-kit/server-settings: each server's config test runs them against its own loadConfig,
// beside the cases of its own settings.
import { describe, expect, it } from "vitest";
import { ConfigError } from "../environment";
import type { ServerSettings } from "../server-settings";

type LoadConfig = (environment: Record<string, string | undefined>) => ServerSettings;

/** The `VARIABLE: message` lines loadConfig refused `environment` with; none when it accepted it. */
export function configProblems(
  loadConfig: LoadConfig,
  environment: Record<string, string | undefined>,
): string[] {
  try {
    loadConfig(environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

export interface ServerSettingsCases {
  loadConfig: LoadConfig;
  /** The variable naming the URL the server is reached at, and its default (the port comes from it). */
  publicUrl: { variable: string; default: string };
  /** The app's database variables and the SQLite file its path defaults to. */
  database: { urlVariable: string; pathVariable: string; defaultFile: string };
}

export function describeServerSettings({
  loadConfig,
  publicUrl,
  database,
}: ServerSettingsCases): void {
  const problemsOf = (environment: Record<string, string>) =>
    configProblems(loadConfig, environment);
  const withPort = (port: number) => {
    const url = new URL(publicUrl.default);
    url.port = String(port);
    return url.href.replace(/\/$/, "");
  };

  describe("the settings every server reads", () => {
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

    it(`derives the port from ${publicUrl.variable} unless PORT is set`, () => {
      expect(loadConfig({}).port).toBe(Number(new URL(publicUrl.default).port));
      expect(loadConfig({ [publicUrl.variable]: withPort(4555) }).port).toBe(4555);
      expect(loadConfig({ [publicUrl.variable]: withPort(4555), PORT: "8080" }).port).toBe(8080);
    });

    it("treats empty variables as unset", () => {
      const empty = { [publicUrl.variable]: "", [database.urlVariable]: "", PORT: "", HOST: "" };
      expect(loadConfig(empty)).toEqual(loadConfig({}));
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
  });

  describe("the database settings", () => {
    const defaultFile = new RegExp(`${database.defaultFile.replace(/[./]/g, (c) => `\\${c}`)}$`);

    it(`keep the SQLite file when ${database.urlVariable} is unset or empty, exactly as without it`, () => {
      for (const environment of [{}, { [database.urlVariable]: "" }]) {
        const config = loadConfig(environment);
        expect(config.database.url.replaceAll("\\", "/")).toMatch(defaultFile);
        expect(config.database.label).toBe(`SQLite ${config.database.url}`);
      }
    });

    it(`keeps SQLite's :memory: name in ${database.pathVariable} instead of making it a file under the repository`, () => {
      expect(loadConfig({ [database.pathVariable]: ":memory:" }).database.url).toBe(":memory:");
    });

    it.each(["postgres://app@db.internal:5432/app", "postgresql://app:secret@db.internal/app"])(
      "use PostgreSQL for %s, and never print its password",
      (url) => {
        const config = loadConfig({
          [database.pathVariable]: "/ignored.sqlite",
          [database.urlVariable]: url,
        });
        expect(config.database.url).toBe(url);
        expect(config.database.label).toMatch(/^PostgreSQL db\.internal(:5432)?\/app$/);
      },
    );

    it.each([
      "mysql://db/app",
      "/var/lib/app.sqlite",
      "https://db.internal/app",
      "postgress://db/app",
    ])(`refuses ${database.urlVariable}=%s rather than quietly using SQLite, naming it`, (url) => {
      expect(problemsOf({ [database.urlVariable]: url })).toEqual([
        expect.stringMatching(
          new RegExp(`^${database.urlVariable}: must be a postgres:// or postgresql:// URL`),
        ),
      ]);
    });

    it("pool 10 connections per replica unless DATABASE_POOL_SIZE says otherwise, and at least 2", () => {
      expect(loadConfig({}).database.poolSize).toBe(10);
      expect(loadConfig({ DATABASE_POOL_SIZE: "25" }).database.poolSize).toBe(25);
      for (const size of ["0", "1"]) {
        expect(problemsOf({ DATABASE_POOL_SIZE: size })[0]).toMatch(/^DATABASE_POOL_SIZE/);
      }
    });
  });
}
