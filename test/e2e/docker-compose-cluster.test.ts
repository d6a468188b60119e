// docker-compose.cluster.yml cannot run here (no Docker engine), so, like docker-compose.yml, it is
// checked against what the apps themselves accept, and its proxy against the nginx template the
// cluster suite runs for real (cluster.test.ts).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  APPS,
  type ComposeService,
  publishedPort,
  REPOSITORY_ROOT,
  readCompose,
  urlPort,
  withDefaults,
} from "./support/compose";
import { NGINX_TEMPLATE, templateVariables } from "./support/nginx";

const cluster = readCompose("docker-compose.cluster.yml");
const single = readCompose("docker-compose.yml");

/** Each app service of the cluster file and the app (docker-compose.yml service) it runs. */
const REPLICAS: Record<string, string> = {
  "auth-server-1": "auth-server",
  "auth-server-2": "auth-server",
  "mcp-server-1": "mcp-server",
  "mcp-server-2": "mcp-server",
  web: "web",
};
const DATABASE_URL: Record<string, string> = {
  "auth-server": "AUTH_DATABASE_URL",
  "mcp-server": "MCP_DATABASE_URL",
};

function service(name: string): ComposeService {
  const found = cluster.services[name];
  if (!found) throw new Error(`docker-compose.cluster.yml has no service ${name}`);
  return found;
}

const environmentOf = (name: string) => withDefaults(service(name).environment);

/** The databases the postgres service creates: POSTGRES_DB, and each CREATE DATABASE of its init scripts. */
function createdDatabases(): string[] {
  const postgres = service("postgres");
  const created = [postgres.environment.POSTGRES_DB ?? "postgres"];
  for (const volume of postgres.volumes ?? []) {
    const [source = "", target = ""] = volume.split(":");
    if (target !== "/docker-entrypoint-initdb.d") continue;
    const script = readFileSync(new URL(`${source}/10-mcp-database.sql`, REPOSITORY_ROOT), "utf8");
    for (const match of script.matchAll(/CREATE DATABASE (\w+)/gi)) created.push(match[1] ?? "");
  }
  return created;
}

describe("docker-compose.cluster.yml", () => {
  it("runs PostgreSQL, Redis, two replicas of each server, the web app and the proxy", () => {
    expect(Object.keys(cluster.services).sort()).toEqual(
      [...Object.keys(REPLICAS), "postgres", "redis", "proxy"].sort(),
    );
  });

  describe.each(Object.entries(REPLICAS))("%s", (name, appName) => {
    const app = APPS[appName] as (typeof APPS)[string];
    const environment = environmentOf(name);

    it("sets only environment variables its app reads, and its app accepts them", () => {
      expect(Object.keys(environment).filter((key) => !app.keys.includes(key))).toEqual([]);
      expect(() => app.load(environment)).not.toThrow();
    });

    it("is built from the same Dockerfile as in docker-compose.yml", () => {
      expect(service(name).build).toEqual(single.services[appName]?.build);
    });

    it("keeps the public URLs of the single-machine stack", () => {
      for (const key of ["ISSUER", "MCP_RESOURCE", "WEB_URL"]) {
        const value = environment[key];
        if (value !== undefined) {
          expect(value).toBe(withDefaults(single.services[appName]?.environment ?? {})[key]);
        }
      }
    });

    it("counts its limits in the shared Redis, and trusts exactly one proxy hop", () => {
      if (appName === "web") {
        // The web app's limits are the auth-server's (sign-in); it forwards the browser's address.
        expect(environment.TRUST_PROXY).toBe("true");
        return;
      }
      expect(new URL(environment.REDIS_URL ?? "").host).toBe("redis:6379");
      expect(environment.TRUST_PROXY).toBe("1");
    });

    it("keeps its state in a database the postgres service creates", () => {
      const key = DATABASE_URL[appName];
      if (key === undefined) return expect(appName).toBe("web");
      const url = new URL(environment[key] ?? "");
      expect(url.protocol).toBe("postgres:");
      expect(url.host).toBe("postgres:5432");
      expect(url.username).toBe(service("postgres").environment.POSTGRES_USER);
      expect(createdDatabases()).toContain(url.pathname.slice(1));
    });

    it("waits for each service it depends on to be healthy", () => {
      for (const [dependency, { condition }] of Object.entries(service(name).depends_on ?? {})) {
        expect(condition).toBe("service_healthy");
        expect(cluster.services[dependency]?.healthcheck).toBeDefined();
      }
    });

    it("publishes no port: only the proxy is reachable from outside", () => {
      expect(service(name).ports ?? []).toEqual([]);
    });
  });

  it("runs both replicas of a server with the same settings, behind one network alias", () => {
    for (const [first, second, alias] of [
      ["auth-server-1", "auth-server-2", "auth-server"],
      ["mcp-server-1", "mcp-server-2", "mcp-server"],
    ] as const) {
      expect(service(first)).toEqual(service(second));
      expect(service(first).networks?.default?.aliases).toEqual([alias]);
    }
  });

  it("reaches the servers from inside through those aliases, as docker-compose.yml names them", () => {
    const internal = {
      JWKS_URL: environmentOf("mcp-server-1").JWKS_URL,
      AUTH_INTERNAL_URL: environmentOf("web").AUTH_INTERNAL_URL,
      MCP_INTERNAL_URL: environmentOf("web").MCP_INTERNAL_URL,
    };
    expect(internal).toEqual({
      JWKS_URL: withDefaults(single.services["mcp-server"]?.environment ?? {}).JWKS_URL,
      AUTH_INTERNAL_URL: withDefaults(single.services.web?.environment ?? {}).AUTH_INTERNAL_URL,
      MCP_INTERNAL_URL: withDefaults(single.services.web?.environment ?? {}).MCP_INTERNAL_URL,
    });
  });

  it("gives each shared setting one value across every service", () => {
    const values = new Map<string, Set<string>>();
    for (const name of Object.keys(REPLICAS)) {
      for (const [key, value] of Object.entries(environmentOf(name))) {
        if (["NODE_ENV", "HOST", "PORT", "TRUST_PROXY"].includes(key)) continue;
        values.set(key, (values.get(key) ?? new Set()).add(value));
      }
    }
    expect([...values].filter(([, set]) => set.size > 1)).toEqual([]);
  });

  describe("the proxy", () => {
    const proxy = service("proxy");
    const environment = withDefaults(proxy.environment);

    it("fills every placeholder of the nginx template, and nothing else", () => {
      const template = readFileSync(NGINX_TEMPLATE, "utf8");
      expect(Object.keys(environment).sort()).toEqual(templateVariables(template).sort());
    });

    it("sends each server's traffic to both of its replicas, on the port each listens on", () => {
      for (const [variable, replica] of [
        ["AUTH_REPLICA_1", "auth-server-1"],
        ["AUTH_REPLICA_2", "auth-server-2"],
        ["MCP_REPLICA_1", "mcp-server-1"],
        ["MCP_REPLICA_2", "mcp-server-2"],
      ] as const) {
        expect(environment[variable]).toBe(`${replica}:${environmentOf(replica).PORT}`);
      }
      expect(environment.WEB_UPSTREAM).toBe("web:3000");
    });

    it("publishes, on 127.0.0.1 only, the ports the public URLs name", () => {
      const publicPorts = {
        AUTH_PUBLIC_PORT: urlPort(environmentOf("auth-server-1").ISSUER ?? ""),
        MCP_PUBLIC_PORT: urlPort(environmentOf("mcp-server-1").MCP_RESOURCE ?? ""),
        WEB_PUBLIC_PORT: urlPort(environmentOf("web").WEB_URL ?? ""),
      };
      const published = proxy.ports.map((entry) => publishedPort(entry));
      for (const [variable, port] of Object.entries(publicPorts)) {
        expect(environment[variable]).toBe(String(port));
        expect(published).toContainEqual({ address: "127.0.0.1", host: port, container: port });
      }
      expect(published).toHaveLength(3);
    });

    it("starts once every replica and the web app are healthy", () => {
      expect(Object.keys(proxy.depends_on ?? {}).sort()).toEqual(Object.keys(REPLICAS).sort());
    });
  });
});
