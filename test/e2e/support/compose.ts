// Reading the compose files as the tests check them: which app each service runs, the settings that
// app reads, and its own validation of them (docker-compose.test.ts, docker-compose-cluster.test.ts).
import { readFileSync } from "node:fs";
import {
  AUTH_SERVER_ENVIRONMENT_KEYS,
  loadConfig as loadAuthServerConfig,
} from "@repo/auth-server";
import {
  loadConfig as loadMcpServerConfig,
  MCP_SERVER_ENVIRONMENT_KEYS,
} from "@repo/mcp-server/config";
import { loadWebConfig, WEB_ENVIRONMENT_KEYS } from "@repo/web/config";
import { parse } from "yaml";

export const REPOSITORY_ROOT = new URL("../../../", import.meta.url);

export type Environment = Record<string, string>;

export interface ComposeService {
  build: { context: string; dockerfile: string; args?: Record<string, string> };
  image?: string;
  ports: string[];
  environment: Environment;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  networks?: Record<string, { aliases?: string[] }>;
}

/** Each compose service, the settings its app reads, and the app's own validation of them. */
export const APPS: Record<string, { keys: readonly string[]; load(env: Environment): LoadedApp }> =
  {
    "auth-server": {
      keys: AUTH_SERVER_ENVIRONMENT_KEYS,
      load: (env) => {
        const config = loadAuthServerConfig(env);
        return { publicUrl: config.issuer, port: config.port };
      },
    },
    "mcp-server": {
      keys: MCP_SERVER_ENVIRONMENT_KEYS,
      load: (env) => {
        const config = loadMcpServerConfig(env);
        return { publicUrl: config.resource, port: config.port };
      },
    },
    // The web app's port is not a setting: its image runs `next start --port`.
    web: { keys: WEB_ENVIRONMENT_KEYS, load: (env) => ({ publicUrl: loadWebConfig(env).webUrl }) },
  };

export interface LoadedApp {
  /** What browsers and MCP clients on the host reach: the issuer, the MCP resource, the web app. */
  publicUrl: string;
  port?: number;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
}

export function readCompose(file: string): ComposeFile {
  return parse(readFileSync(new URL(file, REPOSITORY_ROOT), "utf8")) as ComposeFile;
}

/** The environment as Compose passes it when no variable is set in the shell: `${NAME:-default}`. */
export function withDefaults(environment: Environment): Environment {
  return Object.fromEntries(
    Object.entries(environment).map(([key, value]) => [
      key,
      String(value).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, "$1"),
    ]),
  );
}

/** A `ports` entry in the long-hand string form `address:host:container`. */
export function publishedPort(entry: string): { address: string; host: number; container: number } {
  const match = /^(?<address>[^:]+):(?<host>\d+):(?<container>\d+)$/.exec(entry);
  return {
    address: match?.groups?.address ?? "",
    host: Number(match?.groups?.host ?? Number.NaN),
    container: Number(match?.groups?.container ?? Number.NaN),
  };
}

export function urlPort(url: string): number {
  const { port, protocol } = new URL(url);
  return Number(port || (protocol === "https:" ? 443 : 80));
}

/**
 * The Dockerfile's instructions, continuation lines joined and comments dropped, with `${NAME}` read
 * as Docker reads it: the build argument compose passes (`args`), or else the ARG's default.
 */
export function dockerfileInstructions(
  path: string,
  args: Record<string, string> = {},
): { keyword: string; args: string }[] {
  const instructions = readFileSync(new URL(path, REPOSITORY_ROOT), "utf8")
    .replace(/\\\n/g, " ")
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.trimStart().startsWith("#"))
    .map((line) => {
      const [keyword = "", ...words] = line.trim().split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: words.join(" ") };
    });
  const values: Record<string, string> = {};
  for (const { keyword, args: declaration } of instructions) {
    const [name = "", value] = declaration.split("=");
    if (keyword === "ARG" && value !== undefined) values[name] = value;
  }
  Object.assign(values, args);
  return instructions.map(({ keyword, args: text }) => ({
    keyword,
    args:
      keyword === "ARG"
        ? text
        : text.replace(/\$\{(\w+)\}/g, (found, name) => values[name] ?? found),
  }));
}
