// The admin console and the connected-apps page (issue 6), end to end: the real auth-server, the MCP
// server's process, the built web app and Debian's Chromium. Screenshots of every console page land
// in test-results/.
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { actionFormFields, forgedActionPage } from "./support/action-form";
import { mcpAuthorizationRequest, redeemCode, useAdminStack } from "./support/admin-stack";
import { authorizationUrl, requestToken } from "./support/oauth-client";
import { ANALYST_USER, DEMO_USER, newPage, RESULTS_DIRECTORY, signIn, text } from "./support/stack";

const stack = useAdminStack();

const NEW_CLIENT = { id: "nightly-report", name: "Nightly report job" };

function screenshot(page: Page, name: string) {
  return page.screenshot({ path: join(RESULTS_DIRECTORY, `admin-${name}.png`), fullPage: true });
}

/** Collects Content-Security-Policy violations: the console must not need inline scripts or styles. */
function cspViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) violations.push(message.text());
  });
  return violations;
}

/** Signs in at /login?next=… after a console page sent the browser there, and waits to be back. */
async function signInAndReturn(
  page: Page,
  user: { email: string; password: string },
  path: string,
) {
  await page.waitForURL(`${stack.web.url}/login?next=**`);
  await signIn(page, user);
  await page.waitForURL(`${stack.web.url}${path}`);
}

/** A person authorizes a public client in `page` and the test redeems the code (OAuth 2.1 §4.1). */
async function connectApp(
  page: Page,
  user: { email: string; password: string },
  clientName: string,
) {
  const request = await mcpAuthorizationRequest(stack, clientName);
  await page.goto(authorizationUrl(stack.auth.issuer, request));
  await signIn(page, user);
  const callbackQuery = stack.callback.nextCallback();
  await page.getByRole("button", { name: "Allow" }).click();
  const code = (await callbackQuery).get("code") ?? "";
  // The callback server has the request before the browser has finished loading its answer; a
  // navigation started now would race that one.
  await page.waitForURL((url) => url.searchParams.get("code") === code);
  const exchanged = await redeemCode(stack, request, code);
  expect(exchanged.status).toBe(200);
  return { clientId: request.clientId, refreshToken: String(exchanged.body.refresh_token) };
}

function refresh(clientId: string, refreshToken: string) {
  return requestToken(stack.auth.issuer, {
    grant_type: "refresh_token",
    refresh_token: refreshToken,
    client_id: clientId,
  });
}

async function jwksKeyCount(): Promise<number> {
  const response = await fetch(stack.auth.url("/.well-known/jwks.json"));
  return ((await response.json()) as { keys: unknown[] }).keys.length;
}

describe("the admin console", () => {
  it("answers a signed-in non-admin with a real 403 page, and sends a signed-out visitor to sign in", async () => {
    const page = await newPage(stack);
    await page.goto(`${stack.web.url}/admin`);
    expect(page.url()).toBe(`${stack.web.url}/login?next=%2Fadmin`);

    await signIn(page, ANALYST_USER);
    // The login form returns to /admin, which refuses this person.
    await page.waitForURL(`${stack.web.url}/admin`);
    expect(await text(page.getByRole("heading", { level: 1 }))).toBe(
      "You do not have access to this page",
    );
    const response = await page.goto(`${stack.web.url}/admin/clients`);
    expect(response?.status()).toBe(403);
    expect(await text(page.getByRole("heading", { level: 1 }))).toBe(
      "You do not have access to this page",
    );
    expect(await page.getByRole("navigation", { name: "Admin console" }).count()).toBe(0);
    await screenshot(page, "403");
  });

  it("creates a confidential client whose one-time secret gets a token, and shows it in the audit log", async () => {
    const page = await newPage(stack);
    const violations = cspViolations(page);
    await page.goto(`${stack.web.url}/admin/clients/new`);
    await signInAndReturn(page, DEMO_USER, "/admin/clients/new");
    await screenshot(page, "client-new");

    await page.getByLabel("Name", { exact: true }).fill(NEW_CLIENT.name);
    await page.getByLabel("Client ID (optional)").fill(NEW_CLIENT.id);
    await page.getByLabel(/mcp:tools:sentiment:read/).check();
    await page.getByLabel(/mcp:data:client-info:read/).check();
    // A batch job, not a resource server: the introspection box stays unticked (RFC 7662 §4).
    expect(await page.getByLabel(/may ask \/introspect/).isChecked()).toBe(false);
    await page.getByRole("button", { name: "Create client" }).click();
    await page.waitForURL(`${stack.web.url}/admin/clients/view?id=${NEW_CLIENT.id}`);
    const clientSecret = await text(page.getByTestId("client-secret"));
    expect(clientSecret.length).toBeGreaterThanOrEqual(32);
    expect(await text(page.getByRole("heading", { level: 1 }))).toBe(NEW_CLIENT.name);
    await screenshot(page, "client-created");

    // Shown once: the next load of the same page has no secret on it.
    await page.reload();
    await page.getByRole("heading", { level: 1 }).waitFor();
    expect(await page.getByTestId("client-secret").count()).toBe(0);

    const token = await requestToken(stack.auth.issuer, {
      grant_type: "client_credentials",
      client_id: NEW_CLIENT.id,
      client_secret: clientSecret,
      resource: stack.mcpUrl,
      scope: "mcp:tools:sentiment:read mcp:data:client-info:read",
    });
    expect(token.status).toBe(200);
    const introspection = await fetch(`${stack.auth.issuer}/introspect`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        token: String(token.body.access_token),
        client_id: NEW_CLIENT.id,
        client_secret: clientSecret,
      }).toString(),
    });
    expect(introspection.status).toBe(403);

    // One tool call with it, so the MCP server's log has a row for the merged timeline.
    const mcp = new Client({ name: "admin-console-e2e", version: "1.0.0" });
    await mcp.connect(
      new StreamableHTTPClientTransport(new URL(stack.mcpUrl), {
        requestInit: { headers: { Authorization: `Bearer ${String(token.body.access_token)}` } },
      }),
    );
    await mcp.callTool({ name: "whoami", arguments: {} });
    await mcp.close();

    await page.goto(`${stack.web.url}/admin/audit?client=${NEW_CLIENT.id}`);
    const events = page.getByRole("table", { name: /Audit events/ });
    await events.waitFor();
    const eventNames = await events.locator("tbody th code").allTextContents();
    expect(eventNames).toContain("token.issued");
    expect(eventNames).toContain("client.created");
    expect(eventNames).toContain("tool.call");
    // Newest first: the tool call came after the token that made it.
    expect(eventNames.indexOf("tool.call")).toBeLessThan(eventNames.indexOf("token.issued"));
    await screenshot(page, "audit");

    await page.goto(`${stack.web.url}/admin/audit?event=token.issued&client=${NEW_CLIENT.id}`);
    await events.waitFor();
    expect(new Set(await events.locator("tbody th code").allTextContents())).toEqual(
      new Set(["token.issued"]),
    );

    await page.goto(`${stack.web.url}/admin/clients`);
    const clients = page.getByRole("table", { name: /Clients/ });
    expect(await text(clients.getByRole("row", { name: new RegExp(NEW_CLIENT.name) }))).toContain(
      "Pre-registered",
    );
    await screenshot(page, "clients");
    expect(violations).toEqual([]);
  });

  it("rotates the signing key after a confirmation step, and the JWKS then publishes two keys", async () => {
    const page = await newPage(stack);
    await page.goto(`${stack.web.url}/admin/keys`);
    await signInAndReturn(page, DEMO_USER, "/admin/keys");
    const before = await jwksKeyCount();
    await screenshot(page, "keys");

    await page.getByRole("link", { name: "Rotate now…" }).click();
    await page.waitForURL(`${stack.web.url}/admin/keys?confirm=rotate`);
    // Nothing has changed yet: the link only leads to the confirmation.
    expect(await jwksKeyCount()).toBe(before);
    await screenshot(page, "keys-confirm");
    await page.getByRole("button", { name: "Rotate now" }).click();
    await page.waitForURL(`${stack.web.url}/admin/keys`);
    expect(await text(page.getByRole("status"))).toMatch(/^Rotated: key .+ signs new tokens/);
    expect(await jwksKeyCount()).toBe(2);
    const keys = page.getByRole("table", { name: /Signing keys/ }).locator("tbody tr");
    expect(await keys.count()).toBe(2);
    expect(await text(keys.nth(0))).toContain("Active");
    expect(await text(keys.nth(1))).toContain("Retired");
  });

  it("revokes one person's grant from the console, and that app's refresh token stops working", async () => {
    const analyst = await newPage(stack);
    const app = await connectApp(analyst, ANALYST_USER, "Analyst Notebook");
    expect((await refresh(app.clientId, app.refreshToken)).status).toBe(200);

    const page = await newPage(stack);
    await page.goto(`${stack.web.url}/admin/users`);
    await signInAndReturn(page, DEMO_USER, "/admin/users");
    await screenshot(page, "users");
    await page.getByRole("link", { name: ANALYST_USER.email }).click();
    await page.waitForURL(`${stack.web.url}/admin/users/view?**`);
    await screenshot(page, "user");
    await page.getByRole("link", { name: "This user in the audit log" }).waitFor();
    const grantsLink = page.locator("dd a[href^='/admin/grants?user=']");
    await grantsLink.click();
    await page.waitForURL(`${stack.web.url}/admin/grants?user=**`);
    await screenshot(page, "grants");

    await page
      .getByRole("link", { name: `Revoke the grant of ${ANALYST_USER.email} to Analyst Notebook` })
      .click();
    await page.getByRole("heading", { name: "Revoke this grant?" }).waitFor();
    await page.getByRole("button", { name: "Revoke grant" }).click();
    await page.waitForURL(`${stack.web.url}/admin/grants?user=**`);
    expect(await text(page.getByRole("status"))).toBe("Grant revoked.");

    // The rotated refresh token the test holds now belongs to a revoked family.
    const rotated = await refresh(app.clientId, app.refreshToken);
    expect(rotated.status).toBe(400);
    expect(rotated.body.error).toBe("invalid_grant");
  });

  it("shows the scope catalogue with each scope's risk and the tools that need it", async () => {
    const page = await newPage(stack);
    await page.goto(`${stack.web.url}/admin/scopes`);
    await signInAndReturn(page, DEMO_USER, "/admin/scopes");
    const scopes = page.getByRole("table", { name: /Scope catalogue/ });
    expect(await text(scopes.getByRole("row", { name: /mcp:tools:sentiment:read/ }))).toContain(
      "Low risk",
    );
    expect(
      await text(
        scopes
          .getByRole("row", { name: /^mcp:data:watchlist:write\b/ })
          .getByRole("cell")
          .last(),
      ),
    ).toBe("watchlist_add, watchlist_remove");
    // A wildcard opens every tool under its prefix.
    expect(
      await text(
        scopes
          .getByRole("row", { name: /^mcp:operations:automation:\*/ })
          .getByRole("cell")
          .last(),
      ),
    ).toBe("schedule_digest");
    // Filters and page links the API refuses are a 4xx page, never a 500.
    for (const path of [
      "/admin/audit?auth=not-a-cursor",
      `/admin/audit?user=${"a".repeat(101)}`,
      `/admin/grants?client=${"a".repeat(2049)}`,
    ]) {
      expect((await page.goto(`${stack.web.url}${path}`))?.status(), path).toBe(404);
    }
    await page.goto(`${stack.web.url}/admin`);
    await page.getByRole("heading", { name: "Admin console" }).waitFor();
    await screenshot(page, "overview");
    await page.goto(`${stack.web.url}/admin/scopes`);
    await screenshot(page, "scopes");
  });

  it("refuses a console action posted from another site or without Origin, and runs nothing", async () => {
    const page = await newPage(stack);
    await page.goto(`${stack.web.url}/admin/keys`);
    await signInAndReturn(page, DEMO_USER, "/admin/keys");
    // The confirmation's form exactly as printed: the Server Action's id, nothing else.
    const rotate = await actionFormFields(
      page,
      `${stack.web.url}/admin/keys?confirm=rotate`,
      "Rotate now",
    );
    const before = await jwksKeyCount();

    // A page on another origin of the same site (127.0.0.1, so SameSite=Lax still sends the admin's
    // cookie) submits it as soon as the admin opens it.
    stack.callback.host("/rotate", forgedActionPage(`${stack.web.url}/admin/keys`, rotate));
    const attacker = await page.context().newPage();
    const forged = attacker.waitForResponse(`${stack.web.url}/admin/keys`);
    await attacker.goto(`${stack.callback.origin}/rotate`);
    expect((await forged).status()).toBe(403);

    // The admin's own cookies, but no Origin: Next.js alone would run the action.
    for (const origin of [undefined, "https://evil.example"]) {
      const replayed = await page.request.post(`${stack.web.url}/admin/keys`, {
        multipart: rotate,
        headers: origin ? { Origin: origin } : {},
        maxRedirects: 0,
      });
      expect(replayed.status(), `Origin: ${origin}`).toBe(403);
    }
    expect(await jwksKeyCount()).toBe(before);
  });

  it("refuses a console action posted by a signed-in non-admin (an action's id is no secret)", async () => {
    const admin = await newPage(stack);
    await admin.goto(`${stack.web.url}/admin/users`);
    await signInAndReturn(admin, DEMO_USER, "/admin/users");
    const createUser = await actionFormFields(admin, `${stack.web.url}/admin/users`, "Create user");

    // The analyst copies the form from any admin page's source and posts it from their own session.
    const analyst = await newPage(stack);
    await analyst.goto(`${stack.web.url}/login`);
    await signIn(analyst, ANALYST_USER);
    await analyst.waitForURL(`${stack.web.url}/`);
    const escalation = await analyst.request.post(`${stack.web.url}/admin/users`, {
      multipart: {
        ...createUser,
        email: "escalated@example.com",
        name: "Escalated",
        password: "escalated-password-1",
        isAdmin: "true",
      },
      headers: { Origin: stack.web.url },
      maxRedirects: 0,
    });
    // forbidden() in the action. Next renders it as its not-found page (404) for a post made without
    // JavaScript, as this one is, and as the 403 page for the page's own script: a 4xx either way.
    expect(escalation.status()).toBeGreaterThanOrEqual(400);
    expect(escalation.status()).toBeLessThan(500);
    await admin.goto(`${stack.web.url}/admin/users?q=escalated`);
    expect(await admin.getByText("escalated@example.com").count()).toBe(0);
  });
});

describe("connected apps", () => {
  it("lists the apps a person allowed and disconnects one, whose refresh token then stops working", async () => {
    const page = await newPage(stack);
    const violations = cspViolations(page);
    const app = await connectApp(page, ANALYST_USER, "Sentiment Desktop");

    await page.goto(`${stack.web.url}/account`);
    const apps = page.getByRole("table", { name: "Apps with access to your account" });
    const row = apps.getByRole("row", { name: /Sentiment Desktop/ });
    expect(await text(row)).toContain("Sentiment analysis");
    await screenshot(page, "account");

    await page.getByRole("link", { name: "Disconnect Sentiment Desktop" }).click();
    await page.getByRole("heading", { name: "Disconnect Sentiment Desktop?" }).waitFor();
    await screenshot(page, "account-confirm");
    await page.getByRole("button", { name: "Disconnect" }).click();
    await page.waitForURL(`${stack.web.url}/account`);
    expect(await text(page.getByRole("status"))).toContain("Disconnected Sentiment Desktop");
    expect(await page.getByRole("row", { name: /Sentiment Desktop/ }).count()).toBe(0);

    const refreshed = await refresh(app.clientId, app.refreshToken);
    expect(refreshed.status).toBe(400);
    expect(refreshed.body.error).toBe("invalid_grant");
    expect(violations).toEqual([]);
  });
});
