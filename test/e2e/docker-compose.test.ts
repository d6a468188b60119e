// docker-compose.yml and the Dockerfiles cannot run here (no Docker engine; docs/docker.md), so they are
// checked against what the apps themselves accept: their configuration schemas, ports and workspace names.
import { existsSync, readFileSync } from "node:fs";
import { loadConfig as loadMcpServerConfig } from "@repo/mcp-server/config";
import { describe, expect, it } from "vitest";
import {
  APPS,
  type ComposeService,
  dockerfileInstructions,
  publishedPort,
  REPOSITORY_ROOT,
  readCompose,
  urlPort,
  withDefaults,
} from "./support/compose";

/** Internal URLs name the compose service they reach, never the public host. */
const INTERNAL_URLS: Record<string, string> = {
  JWKS_URL: "auth-server",
  AUTH_INTERNAL_URL: "auth-server",
  MCP_INTERNAL_URL: "mcp-server",
};

/** Settings that differ per container by design; any other setting named twice means one thing. */
const PER_PROCESS = new Set(["NODE_ENV", "HOST", "PORT"]);

const compose = readCompose("docker-compose.yml");
const services = Object.entries(compose.services);

function publishedPorts(service: ComposeService): { host: number; container: number } {
  const { host, container } = publishedPort(service.ports[0] ?? "");
  return { host, container };
}

function containerPort(name: string): number {
  return publishedPorts(compose.services[name] as ComposeService).container;
}

describe("docker-compose.yml", () => {
  it("runs exactly the three apps", () => {
    expect(Object.keys(compose.services).sort()).toEqual(Object.keys(APPS).sort());
  });

  describe.each(services)("%s", (name, service) => {
    const app = APPS[name] as (typeof APPS)[string];
    const environment = withDefaults(service.environment);

    it("sets only environment variables its app reads", () => {
      expect(Object.keys(environment).filter((key) => !app.keys.includes(key))).toEqual([]);
    });

    it("publishes the app's default port, the one its public URL names, and listens on it", () => {
      const defaultPort = urlPort(app.load({}).publicUrl);
      const loaded = app.load(environment);
      const exposed = dockerfileInstructions(service.build.dockerfile, service.build.args).find(
        (instruction) => instruction.keyword === "EXPOSE",
      );
      expect(publishedPorts(service)).toEqual({ host: defaultPort, container: defaultPort });
      expect(urlPort(loaded.publicUrl)).toBe(defaultPort);
      expect(loaded.port ?? defaultPort).toBe(defaultPort);
      expect(exposed?.args).toBe(String(defaultPort));
    });

    it("publishes every port on 127.0.0.1 only, since it runs with the published demo secrets", () => {
      // "4000:4000" would listen on every interface: anyone on the network could then sign in as the
      // demo administrator with the password in this repository.
      expect(service.ports.length).toBeGreaterThan(0);
      for (const entry of service.ports)
        expect(publishedPort(String(entry)).address).toBe("127.0.0.1");
    });

    it("keeps its data on named volumes only, mounted where its image keeps it", () => {
      const declared = dockerfileInstructions(service.build.dockerfile, service.build.args)
        .filter((instruction) => instruction.keyword === "VOLUME")
        .flatMap((instruction) => JSON.parse(instruction.args) as string[]);
      for (const volume of service.volumes ?? []) {
        const [source = "", target = ""] = volume.split(":");
        expect(Object.keys(compose.volumes)).toContain(source);
        expect(declared).toContain(target);
      }
    });

    it("has a health check on its own container port", () => {
      expect(service.healthcheck?.test.join(" ")).toContain(
        `http://127.0.0.1:${containerPort(name)}/`,
      );
    });

    it("waits for each service it depends on to be healthy", () => {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(condition).toBe("service_healthy");
        expect(compose.services[dependency]?.healthcheck).toBeDefined();
      }
    });

    it("reaches other containers by service name, and waits for them", () => {
      for (const [key, target] of Object.entries(INTERNAL_URLS)) {
        const value = environment[key];
        if (value === undefined) continue;
        expect(new URL(value).host).toBe(`${target}:${containerPort(target)}`);
        expect(service.depends_on?.[target]?.condition).toBe("service_healthy");
      }
    });
  });

  it("gives each shared setting (public issuer, resource, web URL, web client secret) one value", () => {
    const valuesByKey = new Map<string, Set<string>>();
    for (const [, service] of services) {
      for (const [key, value] of Object.entries(withDefaults(service.environment))) {
        if (!PER_PROCESS.has(key))
          valuesByKey.set(key, (valuesByKey.get(key) ?? new Set()).add(value));
      }
    }
    const conflicting = [...valuesByKey].filter(([, values]) => values.size > 1);
    expect(conflicting).toEqual([]);
    expect(valuesByKey.get("ISSUER")).toEqual(new Set(["http://localhost:4000"]));
    expect(valuesByKey.get("WEB_CLIENT_SECRET")?.size).toBe(1);
  });

  it("is refused in production until JWKS_URL is https, as its header says", () => {
    const mcpServer = withDefaults((compose.services["mcp-server"] as ComposeService).environment);
    expect(() => loadMcpServerConfig({ ...mcpServer, NODE_ENV: "production" })).toThrow(/JWKS_URL/);
  });
});

describe.each(services)("the %s image", (name, service) => {
  const instructions = dockerfileInstructions(service.build.dockerfile, service.build.args);
  // Each service is named after the app it runs (APPS).
  const workspace = JSON.parse(
    readFileSync(new URL(`apps/${name}/package.json`, REPOSITORY_ROOT), "utf8"),
  ) as { name: string };

  it("is built from the repository root by a Dockerfile that exists", () => {
    expect(service.build.context).toBe(".");
    expect(existsSync(new URL(service.build.dockerfile, REPOSITORY_ROOT))).toBe(true);
  });

  it("prunes the monorepo to its own workspace", () => {
    expect(instructions).toContainEqual({
      keyword: "RUN",
      args: `turbo prune ${workspace.name} --docker`,
    });
  });

  it("runs its own app", () => {
    const workdir = instructions.filter((instruction) => instruction.keyword === "WORKDIR").at(-1);
    expect(workdir?.args).toBe(`/repo/apps/${name}`);
  });

  it("starts from a pinned base image, never a moving tag", () => {
    const stages = new Set<string>();
    for (const { args } of instructions.filter((instruction) => instruction.keyword === "FROM")) {
      const [image = "", , stage] = args.split(" ");
      // A later stage may start from an earlier one; every other image names its Node version.
      if (!stages.has(image)) expect(image).toMatch(/^node:\d+\.\d+(\.\d+)?-[a-z]+-slim$/);
      if (stage) stages.add(stage);
    }
  });

  it("runs as a non-root user", () => {
    const user = instructions.filter((instruction) => instruction.keyword === "USER").at(-1);
    expect(user?.args).toBe("node");
  });
});
