// RS-1: RFC 9728 protected resource metadata, found the way MCP clients look for it.
import {
  discoverOAuthProtectedResourceMetadata,
  extractWWWAuthenticateParams,
} from "@modelcontextprotocol/sdk/client/auth.js";
import { OAuthProtectedResourceMetadataSchema } from "@modelcontextprotocol/sdk/shared/auth.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import { StartupCheckError } from "@repo/server-kit/main";
import { createAccessTokenVerifier, createLocalKeySet, memoryReplayCache } from "@repo/tokens";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import { loadConfig } from "../src/config";
import { openMcpStore } from "../src/db/database";
import { McpServerMetrics } from "../src/metrics";
import { checkServedMetadata, createMcpResourceServer } from "../src/server";
import { INITIALIZE, json, postMcp } from "./support/json-rpc";
import { useTestStack } from "./support/test-stack";

const stack = useTestStack();

const MCP_SCOPES = [
  "mcp:tools:sentiment:read",
  "mcp:tools:climate",
  "mcp:data:news:read",
  "mcp:data:watchlist:read",
  "mcp:data:watchlist:write",
  "mcp:data:client-info:read",
  "mcp:operations:automation:*",
  "mcp:operations:automation:digest",
  "mcp:operations:automation:alerts",
];

describe("protected resource metadata", () => {
  it.each([
    ["the path-based URL", "/.well-known/oauth-protected-resource/mcp"],
    ["the root URL", "/.well-known/oauth-protected-resource"],
  ])("is served at %s with this resource and its authorization server", async (_, path) => {
    const response = await fetch(stack.mcp.url(path));
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    const metadata = OAuthProtectedResourceMetadataSchema.parse(await json(response));
    expect(metadata).toEqual({
      resource: stack.mcp.resource,
      authorization_servers: [stack.auth.issuer],
      scopes_supported: MCP_SCOPES,
      bearer_methods_supported: ["header"],
      resource_name: "Financial sentiment MCP server",
      dpop_signing_alg_values_supported: ["ES256", "RS256", "PS256"],
    });
    expect(metadata.scopes_supported).not.toContain("offline_access");
  });

  it("is what the MCP SDK finds from the 401 challenge", async () => {
    const challenge = await postMcp(stack.mcp.resource, INITIALIZE);
    const { resourceMetadataUrl } = extractWWWAuthenticateParams(challenge);
    const metadata = await discoverOAuthProtectedResourceMetadata(stack.mcp.resource, {
      resourceMetadataUrl,
    });
    expect(metadata.resource).toBe(stack.mcp.resource);
    expect(metadata.authorization_servers).toEqual([stack.auth.issuer]);
  });

  it("is what the MCP SDK finds by probing, without a challenge", async () => {
    const metadata = await discoverOAuthProtectedResourceMetadata(stack.mcp.resource);
    expect(metadata.resource).toBe(stack.mcp.resource);
  });

  it("names an authorization server whose metadata the SDK accepts", async () => {
    const response = await fetch(`${stack.auth.issuer}/.well-known/oauth-authorization-server`);
    expect((await json(response)).issuer).toBe(stack.auth.issuer);
  });

  it("answers unknown well-known paths with 404, never 5xx", async () => {
    const response = await fetch(stack.mcp.url("/.well-known/oauth-protected-resource/other"));
    expect(response.status).toBe(404);
  });
});

describe("the start-up self-check", () => {
  it("checks the served metadata against the configuration and passes for a good one", async () => {
    const config = loadConfig({ NODE_ENV: "test", MCP_DATABASE_PATH: ":memory:" });
    const instance = await createMcpResourceServer(config);
    await instance.close();
  });

  it("refuses to start when what is served disagrees with MCP_RESOURCE or ISSUER", async () => {
    const config = loadConfig({ NODE_ENV: "test", MCP_DATABASE_PATH: ":memory:" });
    const store = await openMcpStore({ database: { url: ":memory:" } });
    const { app, close } = createApp(
      {
        // A routing or metadata bug would look like this: the served resource differs by one slash.
        config: { ...config, resource: `${config.resource}/` },
        store,
        verifier: createAccessTokenVerifier({
          issuer: config.issuer,
          audience: `${config.resource}/`,
          keys: createLocalKeySet({ keys: [] }),
        }),
        jsonSchemaValidator: new AjvJsonSchemaValidator(),
        toolList: { tools: [] },
        dpopReplayCache: memoryReplayCache(),
        clock: () => new Date(),
        clientAddress: () => undefined,
        metrics: new McpServerMetrics({ replica: "test" }),
      },
      {},
    );
    try {
      await expect(checkServedMetadata(app, config)).rejects.toThrow(StartupCheckError);
    } finally {
      close();
      await store.close();
    }
  });
});

describe("health", () => {
  it("answers /health without a token", async () => {
    const response = await fetch(stack.mcp.url("/health"));
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ status: "ok" });
  });
});
