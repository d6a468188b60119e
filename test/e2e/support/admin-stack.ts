// The stack for the admin console's browser test and the README's screenshots: the auth-server
// (in-process, temporary SQLite), the MCP server as its own process (its tool-call audit log feeds the
// console's timeline), the built web app, Debian's Chromium, and a loopback redirect URI for public
// clients.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestAuthServer } from "@repo/auth-server/test-server";
import { afterAll, beforeAll, expect } from "vitest";
import { launchChromium } from "./browser";
import { startCallbackServer } from "./callback-server";
import { type McpServer, reserveMcpUrl, startMcpServer } from "./mcp-server";
import {
  type AuthorizationRequest,
  createPkce,
  randomState,
  registerPublicClient,
  requestToken,
  type TokenResponse,
} from "./oauth-client";
import { freshSecrets, RESULTS_DIRECTORY, runningParts, SCOPE, type Stack } from "./stack";
import { reserveWebUrl, startWebApp } from "./web-app";

export interface AdminStack extends Stack {
  /** The MCP server's canonical URL, `http://127.0.0.1:<port>/mcp`. */
  mcpUrl: string;
  mcp: McpServer;
}

export interface RunningAdminStack extends AdminStack {
  /** Stops everything, last started first; answers the errors the auth-server logged meanwhile. */
  close(): Promise<unknown[]>;
}

/** Starts everything; if a part fails to start, the parts already running are stopped again. */
export async function startAdminStack(): Promise<RunningAdminStack> {
  const secrets = freshSecrets();
  const closers: (() => Promise<void>)[] = [];
  let serverErrors: unknown[] = [];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer();
    return serverErrors;
  };
  try {
    const directory = mkdtempSync(join(tmpdir(), "admin-console-e2e-"));
    closers.push(async () => rmSync(directory, { recursive: true, force: true }));
    const [webUrl, mcpUrl] = await Promise.all([reserveWebUrl(), reserveMcpUrl()]);
    const auth = await startTestAuthServer({
      MCP_RESOURCE: mcpUrl,
      WEB_URL: webUrl,
      WEB_CLIENT_SECRET: secrets.WEB_CLIENT_SECRET,
    });
    closers.push(async () => {
      serverErrors = [...auth.serverErrors];
      await auth.close();
    });
    const mcp = startMcpServer(mcpUrl, { issuer: auth.issuer, directory });
    closers.push(() => mcp.close());
    const [web, browser, callback] = await Promise.all([
      startWebApp(webUrl, { ISSUER: auth.issuer, MCP_RESOURCE: mcpUrl, ...secrets }),
      launchChromium(),
      startCallbackServer(),
    ]);
    closers.push(
      () => web.close(),
      () => browser.close(),
      () => callback.close(),
    );
    // It has been starting all along; only now is there something to say if it failed.
    await mcp.ready();
    return { secrets, auth, mcp, mcpUrl, web, browser, callback, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Starts everything before the file's first test and stops it after the last. Usable wherever the
 * helpers of stack.ts take a Stack (newPage, startAuthorization, signIn).
 */
export function useAdminStack(): AdminStack {
  const parts: Partial<RunningAdminStack> = {};
  beforeAll(async () => {
    mkdirSync(RESULTS_DIRECTORY, { recursive: true });
    Object.assign(parts, await startAdminStack());
  });
  afterAll(async () => {
    const errors = await parts.close?.();
    expect(errors ?? []).toEqual([]);
  });
  return runningParts(parts);
}

/**
 * A public client registered for this stack's MCP server (RFC 7591) and its authorization request:
 * the resource is this stack's MCP server, not the default one startAuthorization() names.
 */
export async function mcpAuthorizationRequest(
  stack: AdminStack,
  clientName: string,
): Promise<AuthorizationRequest> {
  const redirectUri = stack.callback.redirectUri;
  return {
    clientId: await registerPublicClient(stack.auth.issuer, { redirectUri, clientName }),
    redirectUri,
    scope: SCOPE,
    resource: stack.mcpUrl,
    state: randomState(),
    pkce: createPkce(),
  };
}

/** The authorization code for tokens (OAuth 2.1 §4.1.3), as the client of `request` would. */
export function redeemCode(
  stack: AdminStack,
  request: AuthorizationRequest,
  code: string,
): Promise<TokenResponse> {
  return requestToken(stack.auth.issuer, {
    grant_type: "authorization_code",
    code,
    code_verifier: request.pkce.codeVerifier,
    redirect_uri: request.redirectUri,
    client_id: request.clientId,
    resource: stack.mcpUrl,
  });
}
