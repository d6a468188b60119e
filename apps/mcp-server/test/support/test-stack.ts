// A real auth-server and a real MCP server on ephemeral loopback ports, each with a temporary SQLite file.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  MCP_RESOURCE as AUTH_SERVER_DEFAULT_RESOURCE,
  requestClientCredentialsToken,
  startTestAuthServer,
  type TestAuthServer,
} from "@repo/auth-server/test-server";
import { listenOnLoopback, usePerTestFile } from "@repo/server-kit/testing/test-server";
import { issueAccessToken } from "@repo/tokens";
import { expect } from "vitest";
import { loadConfig } from "../../src/config";
import { createMcpResourceServer, type McpResourceServerInstance } from "../../src/server";

export { AUTH_SERVER_DEFAULT_RESOURCE };

export interface TestMcpServer {
  /** The canonical MCP URL, `http://127.0.0.1:<port>/mcp`: the audience of every token it takes. */
  resource: string;
  origin: string;
  url(path: string): string;
  instance: McpResourceServerInstance;
  /** Unexpected errors the server reported (each would have been a 500 or a failed tool call). */
  serverErrors: unknown[];
  close(): Promise<void>;
}

/**
 * Binds a loopback port, then builds the MCP server for the resource URL that port gives it. The
 * issuer and JWKS URL come from `environment` (ISSUER, JWKS_URL), like the real process.
 */
export async function startTestMcpServer(
  environment: (resource: string) => Promise<Record<string, string>>,
): Promise<TestMcpServer> {
  const directory = mkdtempSync(join(tmpdir(), "mcp-server-test-"));
  const listener = await listenOnLoopback();
  const { origin } = listener;
  const resource = `${origin}/mcp`;
  const serverErrors: unknown[] = [];
  try {
    const config = loadConfig({
      NODE_ENV: "test",
      MCP_RESOURCE: resource,
      MCP_DATABASE_PATH: join(directory, "mcp-server.sqlite"),
      LOG_REQUESTS: "false",
      ...(await environment(resource)),
    });
    const instance = await createMcpResourceServer(config, {
      reportError: (error) => serverErrors.push(error),
    });
    listener.attach(instance.app);
    return {
      resource,
      origin,
      url: (path) => `${origin}${path}`,
      instance,
      serverErrors,
      close: async () => {
        await listener.close();
        await instance.close();
        rmSync(directory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await listener.close();
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
}

export interface TestStack {
  auth: TestAuthServer;
  mcp: TestMcpServer;
}

/**
 * The auth-server issues tokens only for its configured MCP_RESOURCE, and the MCP server trusts only
 * its issuer: the MCP server binds its port first, the auth-server starts with the resource URL that
 * port gives, and the MCP server is then built with the auth-server's issuer and JWKS URL.
 */
export async function startTestStack(
  mcpEnvironment: Record<string, string> = {},
): Promise<TestStack> {
  let auth: TestAuthServer | undefined;
  try {
    const mcp = await startTestMcpServer(async (resource) => {
      auth = await startTestAuthServer({ MCP_RESOURCE: resource });
      return {
        ISSUER: auth.issuer,
        JWKS_URL: auth.url("/.well-known/jwks.json"),
        ...mcpEnvironment,
      };
    });
    return { auth: auth as TestAuthServer, mcp };
  } catch (error) {
    await auth?.close();
    throw error;
  }
}

export async function clientCredentialsToken(stack: TestStack, scope?: string): Promise<string> {
  const response = await requestClientCredentialsToken(stack.auth, {
    resource: stack.mcp.resource,
    ...(scope === undefined ? {} : { scope }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { access_token: string };
  return body.access_token;
}

export interface UserTokenRequest {
  subject: string;
  scopes: readonly string[];
  clientId?: string;
  audience?: string;
  issuer?: string;
  lifetimeSeconds?: number;
  now?: Date;
}

/**
 * A token as the auth-server's authorization code grant would issue it for a signed-in user: signed
 * with its real current key, for this MCP resource, with `sub` naming the user.
 */
export async function userToken(stack: TestStack, request: UserTokenRequest): Promise<string> {
  const { accessToken } = await issueAccessToken({
    signingKey: stack.auth.instance.server.keys.signingKey(),
    issuer: request.issuer ?? stack.auth.issuer,
    audience: request.audience ?? stack.mcp.resource,
    subject: request.subject,
    clientId: request.clientId ?? "test-web-client",
    scopes: request.scopes,
    lifetimeSeconds: request.lifetimeSeconds ?? 600,
    now: request.now,
  });
  return accessToken;
}

/** The MCP SDK's own client over Streamable HTTP, sending `token` on every request. */
export async function connectClient(stack: TestStack, token: string): Promise<Client> {
  const client = new Client({ name: "mcp-server-test", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(stack.mcp.resource), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  await client.connect(transport);
  return client;
}

/**
 * One stack for the whole test file: started before the first test, closed after the last, and
 * checked to have reported no unexpected errors.
 */
export function useTestStack(mcpEnvironment: Record<string, string> = {}): TestStack {
  return usePerTestFile(
    "the test stack",
    () => startTestStack(mcpEnvironment),
    async (stack) => {
      expect(stack.mcp.serverErrors).toEqual([]);
      expect(stack.auth.serverErrors).toEqual([]);
      await stack.mcp.close();
      await stack.auth.close();
    },
  );
}
