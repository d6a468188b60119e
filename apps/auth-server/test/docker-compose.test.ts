// docker-compose.yml cannot run here (no Docker engine), so its auth-server service is checked against
// the app's own configuration schema: every key it sets is one the app reads, with values the app accepts.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { AUTH_SERVER_ENVIRONMENT_KEYS, DEVELOPMENT_SECRETS, loadConfig } from "../src/config";

const REPOSITORY_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

interface ComposeService {
  build: { context: string; dockerfile: string };
  ports: string[];
  environment: Record<string, string>;
  volumes: string[];
  healthcheck: { test: string[] };
}

const compose = parse(readFileSync(`${REPOSITORY_ROOT}docker-compose.yml`, "utf8")) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};
const service = compose.services["auth-server"] as ComposeService;

/** Resolves `${NAME:-default}` the way Compose does when NAME is unset. */
function withDefaults(value: string): string {
  return value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, "$1");
}

describe("docker-compose auth-server service", () => {
  it("sets only environment variables the auth-server reads", () => {
    const unknown = Object.keys(service.environment).filter(
      (key) => !AUTH_SERVER_ENVIRONMENT_KEYS.includes(key),
    );
    expect(unknown).toEqual([]);
  });

  it("passes the auth-server's own configuration validation with its defaults", () => {
    const environment = Object.fromEntries(
      Object.entries(service.environment).map(([key, value]) => [key, withDefaults(String(value))]),
    );
    const config = loadConfig(environment);
    expect(config.host).toBe("0.0.0.0");
    expect(config.databasePath).toBe("/data/auth-server.sqlite");
    // The public issuer is what the host sees through the published port.
    const [hostPort, containerPort] = (service.ports[0] ?? "").split(":");
    expect(new URL(config.issuer).port).toBe(hostPort);
    expect(String(config.port)).toBe(containerPort);
    expect(config.seed.demoBatchClientSecret).toBe(DEVELOPMENT_SECRETS.DEMO_BATCH_CLIENT_SECRET);
  });

  it("keeps the database on a named volume and health-checks /health on the container port", () => {
    expect(service.volumes).toContain("auth-data:/data");
    expect(compose.volumes).toHaveProperty("auth-data");
    expect(service.healthcheck.test.join(" ")).toContain(
      `http://127.0.0.1:${service.environment.PORT}/health`,
    );
  });

  it("builds from a Dockerfile that exists and runs as a non-root user", () => {
    const dockerfile = `${REPOSITORY_ROOT}${service.build.dockerfile}`;
    expect(existsSync(dockerfile)).toBe(true);
    const text = readFileSync(dockerfile, "utf8");
    expect(text).toMatch(/^USER node$/m);
    expect(text).toMatch(/turbo prune @repo\/auth-server --docker/);
  });
});
