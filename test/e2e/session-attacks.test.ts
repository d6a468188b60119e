// Stolen sessions and leaked consent links, end to end (issue 10): a password reset, a disable and
// "Sign out everywhere" end every web session of the person, and a consent link completes only in
// the browser that first opened it. The real auth-server, the built web app and Debian's Chromium.
import { randomUUID } from "node:crypto";
import { type JsonBody, json } from "@repo/auth-server/test-server";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { actionFormFields } from "./support/action-form";
import {
  type AuthorizationRequest,
  authorizationUrl,
  createPkce,
  randomState,
} from "./support/oauth-client";
import { DEMO_USER, newPage, signIn, startAuthorization, text, useStack } from "./support/stack";

const stack = useStack();

/** An exact https redirect URI: a remembered consent there completes without the screen. */
const DESK_REDIRECT_URI = "https://desk.example/callback";

/**
 * The console's calls, made as the web app makes them (its client-credentials token, the demo admin
 * as the acting user): these tests are about the person's sessions, not the console's forms, which
 * admin-console.test.ts drives in the browser.
 */
async function asAdmin(path: string, body: unknown): Promise<JsonBody> {
  const { auth, secrets } = stack;
  const basic = Buffer.from(`web:${secrets.WEB_CLIENT_SECRET}`).toString("base64");
  const token = await json(
    fetch(`${auth.issuer}/token`, {
      method: "POST",
      headers: {
        Authorization: `Basic ${basic}`,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        resource: `${auth.issuer}/internal`,
      }),
    }),
  );
  const call = (route: string, payload: unknown, headers: Record<string, string> = {}) =>
    fetch(`${auth.issuer}/internal${route}`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${token.access_token}`,
        "Content-Type": "application/json",
        ...headers,
      },
      body: JSON.stringify(payload),
    });
  const login = await json(call("/login", DEMO_USER));
  const response = await call(`/admin${path}`, body, {
    "Acting-User": login.user.id,
    "Acting-User-Session-Epoch": String(login.user.sessionEpoch),
  });
  expect(response.status, `${path} as the admin`).toBeLessThan(300);
  return json(response);
}

/** A person of their own per test, so a reset or a disable here touches no other test. */
async function newPerson() {
  const person = { email: `person-${randomUUID()}@example.com`, password: "first-password" };
  const { user } = await asAdmin("/users", { ...person, name: "Person" });
  return { ...person, id: user.id as string };
}

async function signInAt(page: Page, path: string, person: { email: string; password: string }) {
  await page.goto(`${stack.web.url}/login?${new URLSearchParams({ next: path })}`);
  await signIn(page, person);
  await page.waitForURL(`${stack.web.url}${path}`);
}

/** A thief's browser holding a copy of `victim`'s session cookie (and nothing else of it). */
async function stealSession(victim: Page): Promise<Page> {
  const thief = await newPage(stack);
  const cookies = await victim.context().cookies(stack.web.url);
  await thief.context().addCookies(cookies.filter((cookie) => cookie.name === "session"));
  return thief;
}

async function sessionCookie(page: Page) {
  return (await page.context().cookies(stack.web.url)).find((cookie) => cookie.name === "session");
}

/** Waits for the login page the web app sends an ended session to, and checks the cookie went. */
async function expectSignedOutBecauseSessionEnded(page: Page) {
  await page.waitForURL(/\/login\?.*notice=session-ended/);
  expect(await text(page.getByRole("status"))).toMatch(/^You were signed out/);
  expect(await sessionCookie(page)).toBeUndefined();
}

describe("a stolen session ends with a password reset, a disable or sign out everywhere", () => {
  it("a session stolen before a password reset can no longer approve consent", async () => {
    const person = await newPerson();
    const victim = await newPage(stack);
    await signInAt(victim, "/account", person);
    // The thief, with a copy of the session cookie, has a consent screen open in their own browser.
    const thief = await stealSession(victim);
    await startAuthorization(stack, thief, "Thief's app");
    await thief.getByRole("button", { name: "Allow" }).waitFor();

    await asAdmin(`/users/${person.id}/password`, { password: "second-password" });

    const callbacksBefore = stack.callback.received.length;
    await thief.getByRole("button", { name: "Allow" }).click();
    await expectSignedOutBecauseSessionEnded(thief);
    expect(stack.callback.received.length).toBe(callbacksBefore);
  });

  it("a session stolen before a password reset can no longer mint tokens through remembered consent", async () => {
    const person = await newPerson();
    const victim = await newPage(stack);
    /** The `state` of each authorization response the browser carried to the app. */
    const deskStates = (page: Page) => {
      const seen = new Set<string>();
      page.on("request", (request) => {
        if (!request.url().startsWith(`${DESK_REDIRECT_URI}?`)) return;
        const query = new URL(request.url()).searchParams;
        if (query.has("code")) seen.add(query.get("state") ?? "");
      });
      return seen;
    };
    // The person once allowed an app with an https redirect: later requests skip the screen.
    const { request } = await startAuthorization(stack, victim, "Sentiment Desk", {
      redirectUri: DESK_REDIRECT_URI,
    });
    await signIn(victim, person);
    const victimStates = deskStates(victim);
    await victim.getByRole("button", { name: "Allow" }).click();
    await expect.poll(() => victimStates.has(request.state)).toBe(true);
    await victim.waitForURL((url) => url.protocol === "chrome-error:");

    // Before the reset, a copy of the session gets a code without a click, in the thief's browser.
    const thief = await stealSession(victim);
    const thiefStates = deskStates(thief);
    const again = (): AuthorizationRequest => ({
      ...request,
      state: randomState(),
      pkce: createPkce(),
    });
    const before = again();
    await thief.goto(authorizationUrl(stack.auth.issuer, before)).catch(() => undefined);
    await expect.poll(() => thiefStates.has(before.state)).toBe(true);
    // desk.example does not resolve: let the browser reach its error page before navigating on, or
    // that navigation interrupts the next one.
    await thief.waitForURL((url) => url.protocol === "chrome-error:");

    await asAdmin(`/users/${person.id}/password`, { password: "second-password" });

    const after = again();
    await thief.goto(authorizationUrl(stack.auth.issuer, after));
    await expectSignedOutBecauseSessionEnded(thief);
    expect(thiefStates.has(after.state)).toBe(false);

    // The remembered consent is gone too: the person, signed in again, sees the screen.
    await victim.goto(authorizationUrl(stack.auth.issuer, again()));
    await expectSignedOutBecauseSessionEnded(victim);
    await signIn(victim, { ...person, password: "second-password" });
    await victim.getByRole("button", { name: "Allow" }).waitFor();
  });

  it("a disabled person's existing session is refused", async () => {
    const person = await newPerson();
    const page = await newPage(stack);
    await signInAt(page, "/account", person);
    await asAdmin(`/users/${person.id}/disable`, {});
    await page.reload();
    await expectSignedOutBecauseSessionEnded(page);
    // And back to the page they were on once they can sign in again.
    expect(new URL(page.url()).searchParams.get("next")).toBe("/account");
  });

  it("sign out everywhere ends a session in another browser context", async () => {
    const person = await newPerson();
    const laptop = await newPage(stack);
    const phone = await newPage(stack);
    await signInAt(laptop, "/account", person);
    await signInAt(phone, "/account", person);

    await laptop.getByRole("link", { name: "Sign out everywhere…" }).click();
    await laptop.getByRole("button", { name: "Sign out everywhere" }).click();
    await laptop.waitForURL(/\/login\?.*notice=signed-out-everywhere/);
    expect(await text(laptop.getByRole("status"))).toBe(
      "You are signed out on every device and browser.",
    );
    expect(await sessionCookie(laptop)).toBeUndefined();

    await phone.reload();
    await expectSignedOutBecauseSessionEnded(phone);
  });
});

describe("a leaked consent link", () => {
  /** The person opens a consent screen in their browser; returns its URL, as a leak would carry it. */
  async function openConsent(page: Page, person: { email: string; password: string }) {
    const { request } = await startAuthorization(stack, page, "Leaky app");
    await signIn(page, person);
    await page.getByRole("button", { name: "Allow" }).waitFor();
    return { request, consentUrl: page.url() };
  }

  async function expectOtherBrowserPage(page: Page) {
    expect(await text(page.getByRole("heading", { level: 1 }))).toBe(
      "This sign-in request was opened in another browser",
    );
    expect(await page.getByRole("button", { name: "Allow" }).count()).toBe(0);
  }

  it("a leaked consent link cannot be completed by another browser, even signed in as the same person", async () => {
    const person = await newPerson();
    const browser = await newPage(stack);
    const { consentUrl } = await openConsent(browser, person);

    const other = await newPage(stack);
    await signInAt(other, "/account", person);
    await other.goto(consentUrl);
    await expectOtherBrowserPage(other);

    // The first browser still completes it.
    const callback = stack.callback.nextCallback();
    await browser.reload();
    await browser.getByRole("button", { name: "Allow" }).click();
    expect((await callback).get("code")).toBeTruthy();
  });

  it("a leaked consent page cannot be submitted from another browser, even with a copy of the session and the form", async () => {
    const person = await newPerson();
    const browser = await newPage(stack);
    const { consentUrl } = await openConsent(browser, person);
    // "Allow" with its interaction bound in, exactly as the page printed it.
    const allow = await actionFormFields(browser, consentUrl, "Allow");

    // Everything but the binding cookie: the session cookie and the form exactly as it was shown.
    const thief = await stealSession(browser);
    const callbacksBefore = stack.callback.received.length;
    const forged = await thief.request.post(consentUrl, {
      multipart: allow,
      headers: { Origin: stack.web.url },
      maxRedirects: 0,
    });
    // Nothing approved: back to the consent page, which tells this browser it is the wrong one.
    expect(forged.status()).toBe(303);
    expect(forged.headers().location).toBe(
      new URL(consentUrl).pathname + new URL(consentUrl).search,
    );
    await thief.goto(consentUrl);
    await expectOtherBrowserPage(thief);
    expect(stack.callback.received.length).toBe(callbacksBefore);
  });

  it("a leaked consent link cannot be completed by another signed-in person", async () => {
    const person = await newPerson();
    const browser = await newPage(stack);
    const { consentUrl } = await openConsent(browser, person);

    const stranger = await newPage(stack);
    await signInAt(stranger, "/account", await newPerson());
    await stranger.goto(consentUrl);
    await expectOtherBrowserPage(stranger);
  });
});
