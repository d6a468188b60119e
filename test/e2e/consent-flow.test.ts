// The authorization code flow with a person in the loop (OAuth 2.1 §4.1, AS-16): the real auth-server,
// the real built web app, Debian's Chromium, and an MCP-style public client on a loopback redirect URI.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  MCP_RESOURCE,
  startTestAuthServer,
  type TestAuthServer,
} from "@repo/auth-server/test-server";
import type { Browser, Locator, Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { launchChromium } from "./support/browser";
import { type CallbackServer, startCallbackServer } from "./support/callback-server";
import {
  type AuthorizationRequest,
  authorizationUrl,
  createPkce,
  randomState,
  registerPublicClient,
  requestToken,
} from "./support/oauth-client";
import { reserveWebUrl, startWebApp, type WebApp } from "./support/web-app";

const RESULTS_DIRECTORY = fileURLToPath(new URL("./test-results/", import.meta.url));
const SCOPE = "mcp:tools:sentiment:read mcp:data:news:read";
const DEMO_USER = { email: "demo@example.com", password: "demo-password" };
const ANALYST_USER = { email: "analyst@example.com", password: "analyst-password" };
const GENERIC_LOGIN_ERROR = "The email or password is incorrect.";
// Fresh secrets, so nothing here depends on the published development defaults.
const WEB_CLIENT_SECRET = randomBytes(32).toString("base64url");
const SESSION_SECRET = randomBytes(32).toString("base64url");

let auth: TestAuthServer;
let web: WebApp;
let browser: Browser;
let callback: CallbackServer;

beforeAll(async () => {
  mkdirSync(RESULTS_DIRECTORY, { recursive: true });
  const webUrl = await reserveWebUrl();
  // GET /authorize sends the browser to `${WEB_URL}/consent?interaction=…`.
  auth = await startTestAuthServer({ WEB_URL: webUrl, WEB_CLIENT_SECRET });
  [web, browser, callback] = await Promise.all([
    startWebApp(webUrl, { ISSUER: auth.issuer, WEB_CLIENT_SECRET, SESSION_SECRET }),
    launchChromium(),
    startCallbackServer(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await callback?.close();
  if (auth) {
    const errors = auth.serverErrors;
    await auth.close();
    expect(errors).toEqual([]);
  }
});

/** A browser profile of its own per test: no session or consent leaks between tests. */
async function newPage(): Promise<Page> {
  const context = await browser.newContext();
  onTestFinished(() => context.close());
  const page = await context.newPage();
  page.on("dialog", (dialog) => {
    throw new Error(`a page opened a dialog: ${dialog.message()}`);
  });
  return page;
}

async function startAuthorization(page: Page, clientName: string) {
  const clientId = await registerPublicClient(auth.issuer, {
    redirectUri: callback.redirectUri,
    clientName,
  });
  const request: AuthorizationRequest = {
    clientId,
    redirectUri: callback.redirectUri,
    scope: SCOPE,
    resource: MCP_RESOURCE,
    state: randomState(),
    pkce: createPkce(),
  };
  const response = await page.goto(authorizationUrl(auth.issuer, request));
  return { request, response };
}

async function signIn(page: Page, user: { email: string; password: string }) {
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

function consentUrl(interactionId: string): string {
  return `${web.url}/consent?${new URLSearchParams({ interaction: interactionId })}`;
}

async function text(locator: Locator): Promise<string> {
  await locator.first().waitFor();
  return ((await locator.first().textContent()) ?? "").replace(/\s+/g, " ").trim();
}

/** Presses Tab until `target` has the focus, as a keyboard-only user would. */
async function tabTo(page: Page, target: Locator, maxPresses = 25): Promise<void> {
  for (let presses = 0; presses < maxPresses; presses += 1) {
    if ((await target.and(page.locator(":focus")).count()) === 1) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${target}`);
}

function securityHeaders(response: Response | null) {
  const headers = response?.headers() ?? {};
  return {
    csp: headers["content-security-policy"] ?? "",
    frameOptions: headers["x-frame-options"],
    cacheControl: headers["cache-control"] ?? "",
    referrerPolicy: headers["referrer-policy"],
    contentTypeOptions: headers["x-content-type-options"],
  };
}

describe("login and consent in a real browser", () => {
  it("signs in, shows the consent screen, returns code, state and iss; the code and refresh token work and rotate", async () => {
    const page = await newPage();
    const cspViolations: string[] = [];
    page.on("console", (message) => {
      if (message.text().includes("Content Security Policy")) cspViolations.push(message.text());
    });

    const { request, response: loginResponse } = await startAuthorization(
      page,
      "Sentiment Desktop",
    );
    expect(page.url()).toMatch(new RegExp(`^${web.url}/login\\?interaction=[\\w-]+$`));
    expect(await text(page.getByRole("heading", { level: 1 }))).toBe("Sign in");
    await page.screenshot({ path: join(RESULTS_DIRECTORY, "login.png"), fullPage: true });

    await signIn(page, DEMO_USER);
    await page.waitForURL(`${web.url}/consent?**`);
    const allow = page.getByRole("button", { name: "Allow" });
    await allow.waitFor();
    const heading = await text(page.getByRole("heading", { level: 1 }));
    expect(heading).toContain("Sentiment Desktop");
    expect(heading).toContain("Unverified");
    expect(await text(page.getByText("This app registered itself"))).toBe(
      "This app registered itself; its name was not checked.",
    );
    expect(await text(page.getByRole("note"))).toContain("only continue if you started this");
    expect(await text(page.locator("dd").first())).toBe("127.0.0.1");
    const scopes = page
      .getByRole("list", { name: "The app will be able to" })
      .getByRole("listitem");
    expect(await scopes.count()).toBe(2);
    expect(await text(scopes.nth(0))).toContain("Sentiment analysis");
    expect(await text(scopes.nth(0))).toContain("Low risk");
    expect(await text(scopes.nth(1))).toContain("Read the news dataset");
    expect(await text(page.getByText("Signed in as"))).toContain(DEMO_USER.email);
    await page.screenshot({ path: join(RESULTS_DIRECTORY, "consent.png"), fullPage: true });

    const callbackQuery = callback.nextCallback();
    await allow.click();
    const query = await callbackQuery;
    expect(query.get("state")).toBe(request.state);
    expect(query.get("iss")).toBe(auth.issuer);
    const code = query.get("code");
    expect(code).toMatch(/^[\w-]{43,}$/);

    const exchanged = await requestToken(auth.issuer, {
      grant_type: "authorization_code",
      code: code ?? "",
      code_verifier: request.pkce.codeVerifier,
      redirect_uri: request.redirectUri,
      client_id: request.clientId,
      resource: MCP_RESOURCE,
    });
    expect(exchanged.status).toBe(200);
    expect(exchanged.body).toMatchObject({ token_type: "Bearer", scope: SCOPE });
    expect(exchanged.body.access_token).toEqual(expect.any(String));
    const firstRefreshToken = String(exchanged.body.refresh_token);

    const refreshed = await requestToken(auth.issuer, {
      grant_type: "refresh_token",
      refresh_token: firstRefreshToken,
      client_id: request.clientId,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).toEqual(expect.any(String));
    expect(refreshed.body.refresh_token).not.toBe(firstRefreshToken);

    // OAuth 2.1 §4.3.1: a rotated refresh token is spent.
    const reused = await requestToken(auth.issuer, {
      grant_type: "refresh_token",
      refresh_token: firstRefreshToken,
      client_id: request.clientId,
    });
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe("invalid_grant");

    const headers = securityHeaders(loginResponse);
    expect(headers.csp).toContain("frame-ancestors 'none'");
    expect(headers.csp).toMatch(/script-src 'self' 'nonce-[\w+/=]+' 'strict-dynamic'/);
    expect(headers.frameOptions).toBe("DENY");
    expect(headers.cacheControl).toContain("no-store");
    expect(headers.referrerPolicy).toBe("same-origin");
    expect(headers.contentTypeOptions).toBe("nosniff");
    // The nonce policy must not have blocked any of Next.js's own scripts or styles.
    expect(cspViolations).toEqual([]);
  });

  it("skips the consent screen when the person already allowed these scopes to this app", async () => {
    const page = await newPage();
    const first = await startAuthorization(page, "Remembered client");
    await signIn(page, DEMO_USER);
    const firstCallback = callback.nextCallback();
    await page.getByRole("button", { name: "Allow" }).click();
    expect((await firstCallback).get("code")).toBeTruthy();

    const consentResponses: number[] = [];
    page.on("response", (response) => {
      if (response.url().startsWith(`${web.url}/consent`)) consentResponses.push(response.status());
    });
    const second: AuthorizationRequest = {
      ...first.request,
      state: randomState(),
      pkce: createPkce(),
    };
    const secondCallback = callback.nextCallback();
    await page.goto(authorizationUrl(auth.issuer, second));
    const query = await secondCallback;
    expect(query.get("state")).toBe(second.state);
    expect(query.get("iss")).toBe(auth.issuer);
    // The consent page answered with a redirect straight back to the app: no screen was shown.
    expect(consentResponses).toEqual([307]);

    const exchanged = await requestToken(auth.issuer, {
      grant_type: "authorization_code",
      code: query.get("code") ?? "",
      code_verifier: second.pkce.codeVerifier,
      redirect_uri: second.redirectUri,
      client_id: second.clientId,
      resource: MCP_RESOURCE,
    });
    expect(exchanged.status).toBe(200);
  });

  it("returns access_denied with state and iss when the person denies, using only the keyboard", async () => {
    const page = await newPage();
    const { request } = await startAuthorization(page, "Denied client");
    await tabTo(page, page.getByLabel("Email"));
    await page.keyboard.type(ANALYST_USER.email);
    await page.keyboard.press("Tab");
    await page.keyboard.type(ANALYST_USER.password);
    await page.keyboard.press("Enter");

    const deny = page.getByRole("button", { name: "Deny" });
    await deny.waitFor();
    await tabTo(page, deny);
    const callbackQuery = callback.nextCallback();
    await page.keyboard.press("Enter");
    const query = await callbackQuery;
    expect(query.get("error")).toBe("access_denied");
    expect(query.get("state")).toBe(request.state);
    expect(query.get("iss")).toBe(auth.issuer);
    expect(query.has("code")).toBe(false);
  });

  it("renders a client_name containing HTML as text, not markup", async () => {
    const page = await newPage();
    const hostileName = "<img src=x onerror=alert(1)>";
    await startAuthorization(page, hostileName);
    await signIn(page, DEMO_USER);
    await page.getByRole("button", { name: "Allow" }).waitFor();
    const name = page.locator("h1 .client-name");
    expect(await text(name)).toBe(hostileName);
    expect(await name.locator("img").count()).toBe(0);
    expect(await page.locator("img").count()).toBe(0);
  });

  it("refuses a consent form posted from another origin or with a wrong CSRF token", async () => {
    const page = await newPage();
    const { request } = await startAuthorization(page, "Target of CSRF");
    await signIn(page, DEMO_USER);
    await page.getByRole("button", { name: "Allow" }).waitFor();
    const interactionId = new URL(page.url()).searchParams.get("interaction") ?? "";
    const callbacksBefore = callback.received.length;

    // A page on another origin (same site: 127.0.0.1, so SameSite=Lax still sends the cookie)
    // submits "Allow" with a guessed token as soon as the victim opens it.
    callback.host(
      "/attack",
      `<!doctype html><form method="post" action="${web.url}/consent/decision">
        <input name="interaction" value="${interactionId}">
        <input name="decision" value="allow">
        <input name="csrf" value="guessed"></form>
        <script>document.forms[0].submit()</script>`,
    );
    const attacker = await page.context().newPage();
    const forged = attacker.waitForResponse(`${web.url}/consent/decision`);
    await attacker.goto(`${callback.origin}/attack`);
    expect((await forged).status()).toBe(403);

    // The same forgery from a tool that sets Origin to the web app and carries the session cookie:
    // only the CSRF token, bound to this session and interaction, stops it.
    const cookies = await page.context().cookies(web.url);
    const withWrongToken = await fetch(`${web.url}/consent/decision`, {
      method: "POST",
      redirect: "manual",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: web.url,
        Cookie: cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join("; "),
      },
      body: new URLSearchParams({
        interaction: interactionId,
        decision: "allow",
        csrf: "A".repeat(43),
      }).toString(),
    });
    expect(withWrongToken.status).toBe(403);
    expect(callback.received.length).toBe(callbacksBefore);

    // The interaction is still waiting for the person's own decision.
    await page.reload();
    const callbackQuery = callback.nextCallback();
    await page.getByRole("button", { name: "Deny" }).click();
    const query = await callbackQuery;
    expect(query.get("error")).toBe("access_denied");
    expect(query.get("state")).toBe(request.state);
  });

  it("signs out through its own form only: a forged sign-out from another origin is refused", async () => {
    const page = await newPage();
    await page.goto(`${web.url}/login`);
    await signIn(page, ANALYST_USER);
    await page.waitForURL(`${web.url}/`);
    expect(await text(page.getByRole("heading", { level: 1 }))).toMatch(/^Hello, /);

    callback.host(
      "/sign-out",
      `<!doctype html><form method="post" action="${web.url}/sign-out"></form>
        <script>document.forms[0].submit()</script>`,
    );
    const attacker = await page.context().newPage();
    const forged = attacker.waitForResponse(`${web.url}/sign-out`);
    await attacker.goto(`${callback.origin}/sign-out`);
    expect((await forged).status()).toBe(403);
    await page.reload();
    expect(await text(page.getByRole("heading", { level: 1 }))).toMatch(/^Hello, /);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "You are not signed in" }).waitFor();
    expect(await page.context().cookies(web.url)).toEqual([]);
  });

  it("cannot be framed by another site (clickjacking)", async () => {
    const page = await newPage();
    callback.host("/frame", `<!doctype html><iframe src="${web.url}/login"></iframe>`);
    await page.goto(`${callback.origin}/frame`);
    const frame = page.frames().find((candidate) => candidate !== page.mainFrame());
    expect(frame).toBeDefined();
    expect(await frame?.getByLabel("Email").count()).toBe(0);
  });

  it("shows a clear page with status 404 for an unknown interaction id", async () => {
    const page = await newPage();
    const response = await page.goto(consentUrl("this-interaction-does-not-exist"));
    expect(response?.status()).toBe(404);
    expect(await text(page.getByRole("heading", { level: 1 }))).toBe(
      "This sign-in request is not valid",
    );
  });

  it("gives the same generic error for a wrong password and an unknown email", async () => {
    const page = await newPage();
    await page.goto(`${web.url}/login`);
    await signIn(page, { email: ANALYST_USER.email, password: "not-the-password" });
    const error = page.locator("#login-error");
    const wrongPassword = await text(error);
    expect(wrongPassword).toBe(GENERIC_LOGIN_ERROR);
    // The error is announced and tied to the fields it is about.
    expect(await page.getByLabel("Password").getAttribute("aria-describedby")).toBe("login-error");
    expect(await page.getByLabel("Email").inputValue()).toBe(ANALYST_USER.email);
    await page.screenshot({ path: join(RESULTS_DIRECTORY, "login-error.png"), fullPage: true });

    await page.reload();
    await signIn(page, { email: "nobody-by-this-name@example.com", password: "any-password" });
    await page.getByLabel("Email").and(page.locator('[aria-invalid="true"]')).waitFor();
    expect(await text(error)).toBe(wrongPassword);
  });

  // Last in the file: moving the auth-server's clock forward affects every later request.
  it("explains an expired interaction", async () => {
    const page = await newPage();
    await startAuthorization(page, "Slow client");
    expect(page.url()).toContain(`${web.url}/login?interaction=`);
    // Interactions live ten minutes; the auth-server, not the web app, decides expiry.
    auth.advanceClock(601);
    await signIn(page, DEMO_USER);
    await page.waitForURL(`${web.url}/consent?**`);
    expect(await text(page.getByRole("heading", { level: 1 }))).toBe(
      "This sign-in request has expired",
    );
    expect(await text(page.getByText("Go back to the app"))).toContain("start again");
  });
});
