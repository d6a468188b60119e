// The attacks the login and consent pages must stop (AS-16, OWASP), each against the real stack:
// forged forms, framing, markup in a client's name, guessed or stale interactions, password guessing.
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { actionFormFields, forgedActionPage } from "./support/action-form";
import { startCallbackServer } from "./support/callback-server";
import {
  type AuthorizationRequest,
  authorizationUrl,
  createPkce,
  randomState,
} from "./support/oauth-client";
import {
  ANALYST_USER,
  consentUrl,
  DEMO_USER,
  GENERIC_LOGIN_ERROR,
  newPage,
  RESULTS_DIRECTORY,
  signIn,
  startAuthorization,
  text,
  useStack,
} from "./support/stack";
import { reserveWebUrl, startWebApp } from "./support/web-app";

const stack = useStack();

/** Another site: Playwright answers for it. */
const ATTACKER_ORIGIN = "https://attacker.example";

describe("attacks on the consent screen", () => {
  it("renders a client_name containing HTML as text, not markup", async () => {
    const page = await newPage(stack);
    const hostileName = "<img src=x onerror=alert(1)>";
    await startAuthorization(stack, page, hostileName);
    await signIn(page, DEMO_USER);
    await page.getByRole("button", { name: "Allow" }).waitFor();
    const name = page.locator("h1 .client-name");
    expect(await text(name)).toBe(hostileName);
    expect(await name.locator("img").count()).toBe(0);
    expect(await page.locator("img").count()).toBe(0);
  });

  it("refuses a consent form posted from another origin or without Origin", async () => {
    const { callback } = stack;
    const page = await newPage(stack);
    const { request } = await startAuthorization(stack, page, "Target of CSRF");
    await signIn(page, DEMO_USER);
    await page.getByRole("button", { name: "Allow" }).waitFor();
    const consentPage = page.url();
    // The screen's own form, "Allow" with its interaction bound in, exactly as the page printed it.
    const allow = await actionFormFields(page, consentPage, "Allow");
    const callbacksBefore = callback.received.length;

    // A page on another origin of the same site (127.0.0.1, so SameSite=Lax still sends the
    // cookies) submits it as soon as the victim opens it.
    callback.host("/attack", forgedActionPage(consentPage, allow));
    const attacker = await page.context().newPage();
    const forged = attacker.waitForResponse(consentPage);
    await attacker.goto(`${callback.origin}/attack`);
    expect((await forged).status()).toBe(403);

    // The same form from a tool that carries the session and binding cookies but sends no Origin,
    // which Next.js alone would let through.
    const withoutOrigin = await page.request.post(consentPage, {
      multipart: allow,
      maxRedirects: 0,
    });
    expect(withoutOrigin.status()).toBe(403);
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
    const { web, callback } = stack;
    const page = await newPage(stack);
    await page.goto(`${web.url}/login`);
    await signIn(page, ANALYST_USER);
    await page.waitForURL(`${web.url}/`);
    expect(await text(page.getByRole("heading", { level: 1 }))).toMatch(/^Hello, /);

    const signOut = await actionFormFields(page, `${web.url}/`, "Sign out");
    callback.host("/sign-out", forgedActionPage(`${web.url}/`, signOut));
    const attacker = await page.context().newPage();
    const forged = attacker.waitForResponse(`${web.url}/`);
    await attacker.goto(`${callback.origin}/sign-out`);
    expect((await forged).status()).toBe(403);
    await page.reload();
    expect(await text(page.getByRole("heading", { level: 1 }))).toMatch(/^Hello, /);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "You are not signed in" }).waitFor();
    expect(await page.context().cookies(web.url)).toEqual([]);
  });

  it("does not hand a code to a cross-site request for a remembered loopback client (client impersonation)", async () => {
    const { auth, web, callback } = stack;
    const page = await newPage(stack);
    // The person once approved a desktop app that listens on a loopback port (RFC 8252 §7.3).
    const approved = await startAuthorization(stack, page, "Trusted Desktop");
    await signIn(page, DEMO_USER);
    const approval = callback.nextCallback();
    await page.getByRole("button", { name: "Allow" }).click();
    expect((await approval).get("code")).toBeTruthy();

    // Another program on the machine listens on a loopback port of its own. Any port is a valid
    // redirect for a loopback client, and a public client's id is no secret.
    const listener = await startCallbackServer();
    onTestFinished(() => listener.close());
    const impersonation: AuthorizationRequest = {
      ...approved.request,
      redirectUri: listener.redirectUri,
      state: randomState(),
      pkce: createPkce(),
    };
    // A page on another site sends the signed-in browser to /authorize with the attacker's PKCE.
    // Playwright serves it, so the origin is truly cross-site and no network is needed.
    await page.route(`${ATTACKER_ORIGIN}/**`, (route) =>
      route.fulfill({
        status: 200,
        contentType: "text/html",
        body: `<!doctype html><script>location.href = ${JSON.stringify(authorizationUrl(auth.issuer, impersonation))}</script>`,
      }),
    );
    const callbacksBefore = callback.received.length;
    const consentResponse = page.waitForResponse((response) =>
      response.url().startsWith(`${web.url}/consent?`),
    );
    await page.goto(`${ATTACKER_ORIGIN}/start`);
    expect((await consentResponse).status()).toBe(200);
    const allow = page.getByRole("button", { name: "Allow" });
    await allow.waitFor();
    const notice = page.getByRole("note");
    expect(await text(notice)).toBe(
      "You allowed this app before. Because it receives the answer on this computer (localhost), please confirm that you just started it. If you did not, choose Deny.",
    );
    expect(await allow.getAttribute("aria-describedby")).toBe(await notice.getAttribute("id"));
    expect(await text(page.locator("dd").first())).toBe("127.0.0.1");
    await page.screenshot({ path: join(RESULTS_DIRECTORY, "consent-again.png"), fullPage: true });
    expect(listener.received).toEqual([]);
    expect(callback.received.length).toBe(callbacksBefore);

    // Only the person's click sends a code there.
    const delivered = listener.nextCallback();
    await allow.click();
    const query = await delivered;
    expect(query.get("state")).toBe(impersonation.state);
    expect(query.get("code")).toBeTruthy();
    expect(listener.received).toHaveLength(1);
    expect(callback.received.length).toBe(callbacksBefore);
  });

  it("cannot be framed by another site (clickjacking)", async () => {
    const { web, callback } = stack;
    const page = await newPage(stack);
    callback.host("/frame", `<!doctype html><iframe src="${web.url}/login"></iframe>`);
    await page.goto(`${callback.origin}/frame`);
    const frame = page.frames().find((candidate) => candidate !== page.mainFrame());
    expect(frame).toBeDefined();
    expect(await frame?.getByLabel("Email").count()).toBe(0);
  });

  it("shows a clear page with status 404 for an unknown interaction id", async () => {
    const page = await newPage(stack);
    const response = await page.goto(consentUrl(stack.web.url, "this-interaction-does-not-exist"));
    expect(response?.status()).toBe(404);
    expect(await text(page.getByRole("heading", { level: 1 }))).toBe(
      "This sign-in request is not valid",
    );
  });
});

describe("attacks on the login form", () => {
  it("gives the same generic error for a wrong password and an unknown email", async () => {
    const page = await newPage(stack);
    await page.goto(`${stack.web.url}/login`);
    await signIn(page, { email: ANALYST_USER.email, password: "not-the-password" });
    const error = page.locator("#login-error");
    const wrongPassword = await text(error);
    expect(wrongPassword).toBe(GENERIC_LOGIN_ERROR);
    // The error is announced and tied to the fields it is about; what was typed stays.
    expect(await page.getByLabel("Password").getAttribute("aria-describedby")).toBe("login-error");
    expect(await page.getByLabel("Email").inputValue()).toBe(ANALYST_USER.email);
    await page.screenshot({ path: join(RESULTS_DIRECTORY, "login-error.png"), fullPage: true });

    await page.reload();
    await signIn(page, { email: "nobody-by-this-name@example.com", password: "any-password" });
    await page.getByLabel("Email").and(page.locator('[aria-invalid="true"]')).waitFor();
    expect(await text(error)).toBe(wrongPassword);
  });

  it("slows down repeated wrong passwords with a message saying how long to wait", async () => {
    const page = await newPage(stack);
    await page.goto(`${stack.web.url}/login`);
    const messages: string[] = [];
    // The auth-server allows five failures per email in fifteen minutes.
    for (let attempt = 1; attempt <= 6; attempt += 1) {
      await page.getByLabel("Email").fill("guessing@example.com");
      await page.getByLabel("Password").fill(`wrong-password-${attempt}`);
      const answered = page.waitForResponse((response) => response.request().method() === "POST");
      await page.getByRole("button", { name: "Sign in" }).click();
      await answered;
      await page.getByRole("button", { name: "Sign in" }).waitFor();
      messages.push(await text(page.locator("#login-error")));
    }
    expect(messages.slice(0, 5)).toEqual(Array(5).fill(GENERIC_LOGIN_ERROR));
    expect(messages[5]).toMatch(/^Too many attempts, try again in 1[45] minutes\.$/);
  });
});

describe("failures outside the browser's control", () => {
  it("shows a calm error page, not a stack trace, when the auth-server is unreachable", async () => {
    const unreachable = await startWebApp(await reserveWebUrl(), {
      // Nothing listens on the discard port on loopback.
      ISSUER: "http://127.0.0.1:9",
      ...stack.secrets,
    });
    onTestFinished(() => unreachable.close());
    const page = await newPage(stack);
    const response = await page.goto(consentUrl(unreachable.url, "some-interaction"));
    expect(response?.status()).toBe(500);
    expect(await text(page.getByRole("heading", { level: 1 }))).toBe("Something went wrong");
    expect(await page.content()).not.toContain("ECONNREFUSED");
  });

  // Last in the file: moving the auth-server's clock forward affects every later request.
  it("explains an expired interaction", async () => {
    const { auth, web } = stack;
    const page = await newPage(stack);
    await startAuthorization(stack, page, "Slow client");
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
