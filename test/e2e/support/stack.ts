// The whole sign-in stack for one test file: the real auth-server (in-process, temporary SQLite), the
// built web app (`next start`), Debian's Chromium, and an MCP-style client's loopback redirect URI.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  MCP_RESOURCE,
  startTestAuthServer,
  type TestAuthServer,
} from "@repo/auth-server/test-server";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, expect, onTestFinished } from "vitest";
import { launchChromium } from "./browser";
import { type CallbackServer, startCallbackServer } from "./callback-server";
import {
  type AuthorizationRequest,
  authorizationUrl,
  createPkce,
  randomState,
  registerPublicClient,
} from "./oauth-client";
import { reserveWebUrl, startWebApp, type WebApp } from "./web-app";

export const RESULTS_DIRECTORY = fileURLToPath(new URL("../test-results/", import.meta.url));
export const SCOPE = "mcp:tools:sentiment:read mcp:data:news:read";
export const DEMO_USER = { email: "demo@example.com", password: "demo-password" };
export const ANALYST_USER = { email: "analyst@example.com", password: "analyst-password" };
export const GENERIC_LOGIN_ERROR = "The email or password is incorrect.";

export interface Stack {
  auth: TestAuthServer;
  web: WebApp;
  browser: Browser;
  callback: CallbackServer;
  /** Fresh per run, so nothing depends on the published development defaults. */
  secrets: { WEB_CLIENT_SECRET: string; SESSION_SECRET: string };
}

/** The web app's client secret and session key, fresh per run. */
export function freshSecrets(): Stack["secrets"] {
  return {
    WEB_CLIENT_SECRET: randomBytes(32).toString("base64url"),
    SESSION_SECRET: randomBytes(32).toString("base64url"),
  };
}

/**
 * The stack a `beforeAll` fills in, as the tests see it: a part read before it started (or after a
 * failed start) throws, naming the part, instead of an `undefined` surfacing later.
 */
export function runningParts<T extends object>(parts: Partial<T>): T {
  return new Proxy(parts as T, {
    get: (target, property) => {
      const value = Reflect.get(target, property);
      if (value === undefined) throw new Error(`the stack's ${String(property)} is not running`);
      return value;
    },
  });
}

/** Starts the stack before the file's first test and stops it after the last. */
export function useStack(): Stack {
  const secrets = freshSecrets();
  const parts: Partial<Stack> = { secrets };
  beforeAll(async () => {
    mkdirSync(RESULTS_DIRECTORY, { recursive: true });
    const webUrl = await reserveWebUrl();
    // GET /authorize sends the browser to `${WEB_URL}/consent?interaction=…`.
    parts.auth = await startTestAuthServer({
      WEB_URL: webUrl,
      WEB_CLIENT_SECRET: secrets.WEB_CLIENT_SECRET,
    });
    [parts.web, parts.browser, parts.callback] = await Promise.all([
      startWebApp(webUrl, { ISSUER: parts.auth.issuer, ...secrets }),
      launchChromium(),
      startCallbackServer(),
    ]);
  });
  afterAll(async () => {
    await parts.browser?.close();
    await parts.web?.close();
    await parts.callback?.close();
    if (parts.auth) {
      const errors = parts.auth.serverErrors;
      await parts.auth.close();
      expect(errors).toEqual([]);
    }
  });
  return runningParts(parts);
}

/** A browser profile of its own per test: no session or consent leaks between tests. */
export async function newPage(stack: Stack): Promise<Page> {
  const context = await stack.browser.newContext();
  onTestFinished(() => context.close());
  const page = await context.newPage();
  page.on("dialog", (dialog) => {
    throw new Error(`a page opened a dialog: ${dialog.message()}`);
  });
  return page;
}

/**
 * Registers a public client (RFC 7591) and opens its authorization request in `page`. The redirect
 * URI is the loopback callback server's unless the test names another.
 */
export async function startAuthorization(
  stack: Stack,
  page: Page,
  clientName: string,
  { redirectUri = stack.callback.redirectUri }: { redirectUri?: string } = {},
) {
  const clientId = await registerPublicClient(stack.auth.issuer, { redirectUri, clientName });
  const request: AuthorizationRequest = {
    clientId,
    redirectUri,
    scope: SCOPE,
    resource: MCP_RESOURCE,
    state: randomState(),
    pkce: createPkce(),
  };
  const response = await page.goto(authorizationUrl(stack.auth.issuer, request));
  return { request, response };
}

export async function signIn(page: Page, user: { email: string; password: string }) {
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export function consentUrl(webUrl: string, interactionId: string): string {
  return `${webUrl}/consent?${new URLSearchParams({ interaction: interactionId })}`;
}

/** The visible text of the first match, once it is there, with whitespace collapsed. */
export async function text(locator: Locator): Promise<string> {
  await locator.first().waitFor();
  return ((await locator.first().textContent()) ?? "").replace(/\s+/g, " ").trim();
}

/** Presses Tab until `target` has the focus, as a keyboard-only user would. */
export async function tabTo(page: Page, target: Locator, maxPresses = 25): Promise<void> {
  for (let presses = 0; presses < maxPresses; presses += 1) {
    if ((await target.and(page.locator(":focus")).count()) === 1) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${target}`);
}
