// docker-compose.yml cannot run here (no Docker engine), so its mcp-server service is checked against
// the app's own configuration schema: every key it sets is one the app reads, with values the app accepts.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadConfig, MCP_SERVER_ENVIRONMENT_KEYS } from "../src/config";

const REPOSITORY_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

interface ComposeService {
  build: { context: string; dockerfile: string };
  ports: string[];
  environment: Record<string, string>;
  volumes: string[];
  depends_on: Record<string, { condition: string }>;
  healthcheck: { test: string[] };
}

const compose = parse(readFileSync(`${REPOSITORY_ROOT}docker-compose.yml`, "utf8")) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};
const service = compose.services["mcp-server"] as ComposeService;
const authServer = compose.services["auth-server"] as ComposeService;

/** Resolves `${NAME:-default}` the way Compose does when NAME is unset. */
function withDefaults(value: string): string {
  return value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, "$1");
}

function environmentWithDefaults(environment: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).map(([key, value]) => [key, withDefaults(String(value))]),
  );
}

describe("docker-compose mcp-server service", () => {
  it("sets only environment variables the MCP server reads", () => {
    const unknown = Object.keys(service.environment).filter(
      (key) => !MCP_SERVER_ENVIRONMENT_KEYS.includes(key),
    );
    expect(unknown).toEqual([]);
  });

  it("passes the MCP server's own configuration validation with its defaults", () => {
    const config = loadConfig(environmentWithDefaults(service.environment));
    expect(config.host).toBe("0.0.0.0");
    expect(config.databasePath).toBe("/data/mcp-server.sqlite");
    // The resource is what clients on the host reach through the published port.
    const [hostPort, containerPort] = (service.ports[0] ?? "").split(":");
    expect(new URL(config.resource).port).toBe(hostPort);
    expect(String(config.port)).toBe(containerPort);
  });

  it("trusts the auth-server's public issuer, fetches its keys over the compose network, and agrees on the resource", () => {
    const config = loadConfig(environmentWithDefaults(service.environment));
    const auth = environmentWithDefaults(authServer.environment);
    expect(config.issuer).toBe(auth.ISSUER);
    expect(config.resource).toBe(auth.MCP_RESOURCE);
    expect(new URL(config.jwksUrl).host).toBe(`auth-server:${auth.PORT}`);
    expect(service.depends_on["auth-server"]?.condition).toBe("service_healthy");
  });

  it("keeps the database on a named volume and health-checks /health on the container port", () => {
    expect(service.volumes).toContain("mcp-data:/data");
    expect(compose.volumes).toHaveProperty("mcp-data");
    expect(service.healthcheck.test.join(" ")).toContain(
      `http://127.0.0.1:${service.environment.PORT}/health`,
    );
  });

  it("builds from a Dockerfile that exists and runs as a non-root user", () => {
    const dockerfile = `${REPOSITORY_ROOT}${service.build.dockerfile}`;
    expect(existsSync(dockerfile)).toBe(true);
    const text = readFileSync(dockerfile, "utf8");
    expect(text).toMatch(/^USER node$/m);
    expect(text).toMatch(/turbo prune @repo\/mcp-server --docker/);
  });
});
