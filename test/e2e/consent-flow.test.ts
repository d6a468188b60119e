// The authorization code flow with a person in the loop (OAuth 2.1 §4.1, AS-16), end to end: an
// MCP-style public client, the real auth-server, the built web app, and Debian's Chromium.
import { join } from "node:path";
import { MCP_RESOURCE } from "@repo/auth-server/test-server";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  type AuthorizationRequest,
  authorizationUrl,
  createPkce,
  randomState,
  requestToken,
} from "./support/oauth-client";
import {
  ANALYST_USER,
  DEMO_USER,
  newPage,
  RESULTS_DIRECTORY,
  SCOPE,
  signIn,
  startAuthorization,
  tabTo,
  text,
  useStack,
} from "./support/stack";

const stack = useStack();

/** A web app's redirect URI: exact https, so a code sent there reaches its owner only. */
const DESK_REDIRECT_URI = "https://desk.example/callback";

/**
 * Counts the consent screens `page` renders, whether a document brings one or the client-side
 * router does (the login form's server action navigates without loading /consent as a document).
 */
async function countConsentScreens(page: Page): Promise<() => number> {
  let shown = 0;
  await page.exposeBinding("consentScreenShown", () => {
    shown += 1;
  });
  // A string: this package compiles without the DOM library.
  await page.addInitScript({
    content: `(() => {
      let seen = false;
      const look = () => {
        const present = [...document.querySelectorAll("form button")].some(
          (button) => button.textContent === "Allow",
        );
        if (present && !seen) window.consentScreenShown();
        seen = present;
      };
      new MutationObserver(look).observe(document, { childList: true, subtree: true });
    })();`,
  });
  return () => shown;
}

/**
 * Resolves when Chromium next shows its error page, as it does after failing to resolve the app's
 * host. That page commits a little after the failed navigation has been reported, and interrupts any
 * navigation started in between; so a test takes this before it sends the browser to the app and
 * awaits it before navigating again. (Its URL does not tell one error page from the next.)
 */
function nextErrorPage(page: Page): Promise<unknown> {
  return page.waitForEvent("framenavigated", {
    predicate: (frame) => frame === page.mainFrame() && frame.url().startsWith("chrome-error:"),
  });
}

describe("login and consent in a real browser", () => {
  it("signs in, shows the consent screen, returns code, state and iss; the code and refresh token work and rotate", async () => {
    const { auth, web, callback } = stack;
    const page = await newPage(stack);
    const cspViolations: string[] = [];
    page.on("console", (message) => {
      if (message.text().includes("Content Security Policy")) cspViolations.push(message.text());
    });

    const { request, response: loginResponse } = await startAuthorization(
      stack,
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
    expect(heading).toBe(
      "Allow Sentiment Desktop to access Financial sentiment MCP server? Unverified",
    );
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

    // The client uses its new refresh token, so the old one is spent (OAuth 2.1 §4.3.1): presented
    // again now, it is no honest retry of a lost response but a reuse (RFC 9700 §4.14.2).
    const second = await requestToken(auth.issuer, {
      grant_type: "refresh_token",
      refresh_token: String(refreshed.body.refresh_token),
      client_id: request.clientId,
    });
    expect(second.status).toBe(200);
    const reused = await requestToken(auth.issuer, {
      grant_type: "refresh_token",
      refresh_token: firstRefreshToken,
      client_id: request.clientId,
    });
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe("invalid_grant");

    const headers = loginResponse?.headers() ?? {};
    expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(headers["content-security-policy"]).toMatch(
      /script-src 'self' 'nonce-[\w+/=]+' 'strict-dynamic'/,
    );
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["cache-control"]).toContain("no-store");
    expect(headers["referrer-policy"]).toBe("same-origin");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    // The nonce policy must not have blocked any of Next.js's own scripts or styles.
    expect(cspViolations).toEqual([]);
  });

  it("skips the consent screen when the person already allowed these scopes to an app with an https redirect URI", async () => {
    const { auth, web } = stack;
    const page = await newPage(stack);
    // The browser is sent to the app's https redirect URI; the test sees that request, and the
    // browser then fails to resolve desk.example (support/browser.ts), so no network is needed.
    const deskCallback = () =>
      page
        .waitForRequest((request) => request.url().startsWith(`${DESK_REDIRECT_URI}?`))
        .then((request) => new URL(request.url()).searchParams);

    const consentScreens = await countConsentScreens(page);

    const first = await startAuthorization(stack, page, "Sentiment Desk", {
      redirectUri: DESK_REDIRECT_URI,
    });
    await signIn(page, DEMO_USER);
    const firstCallback = deskCallback();
    const firstErrorPage = nextErrorPage(page);
    await page.getByRole("button", { name: "Allow" }).click();
    expect((await firstCallback).get("code")).toBeTruthy();
    expect(consentScreens()).toBe(1);
    await firstErrorPage;

    const consentResponses: { status: number; location: string | undefined }[] = [];
    page.on("response", (response) => {
      if (response.url().startsWith(`${web.url}/consent`)) {
        consentResponses.push({ status: response.status(), location: response.headers().location });
      }
    });
    const second: AuthorizationRequest = {
      ...first.request,
      state: randomState(),
      pkce: createPkce(),
    };
    const secondCallback = deskCallback();
    const secondErrorPage = nextErrorPage(page);
    const navigation = page.goto(authorizationUrl(auth.issuer, second));
    const query = await secondCallback;
    await expect(navigation).rejects.toThrow(/ERR_NAME_NOT_RESOLVED/);
    await secondErrorPage;
    expect(query.get("state")).toBe(second.state);
    expect(query.get("iss")).toBe(auth.issuer);
    // The consent page answered with a redirect straight back to the app: no screen was shown.
    expect(consentResponses).toEqual([
      { status: 307, location: expect.stringMatching(/^https:\/\/desk\.example\/callback\?/) },
    ]);
    expect(consentScreens()).toBe(1);

    const exchanged = await requestToken(auth.issuer, {
      grant_type: "authorization_code",
      code: query.get("code") ?? "",
      code_verifier: second.pkce.codeVerifier,
      redirect_uri: second.redirectUri,
      client_id: second.clientId,
      resource: MCP_RESOURCE,
    });
    expect(exchanged.status).toBe(200);

    // Signed out, the person signs in again and goes straight back to the app from the login form.
    await page.context().clearCookies();
    const third: AuthorizationRequest = { ...second, state: randomState(), pkce: createPkce() };
    await page.goto(authorizationUrl(auth.issuer, third));
    expect(page.url()).toMatch(new RegExp(`^${web.url}/login\\?interaction=`));
    const thirdCallback = deskCallback();
    await signIn(page, DEMO_USER);
    const thirdQuery = await thirdCallback;
    expect(thirdQuery.get("state")).toBe(third.state);
    expect(thirdQuery.get("iss")).toBe(auth.issuer);
    expect(thirdQuery.get("code")).toBeTruthy();
    // Only the first request, the one the person allowed, showed a screen.
    expect(consentScreens()).toBe(1);
  });

  it("returns access_denied with state and iss when the person denies, using only the keyboard", async () => {
    const { auth, callback } = stack;
    const page = await newPage(stack);
    const { request } = await startAuthorization(stack, page, "Denied client");
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
});
