// The README's pictures, taken from the real app: the consent screen, the connected-apps page and the
// console's audit timeline, in Debian's Chromium against the stack the admin console's test runs.
// `npm run screenshots` writes them to docs/images/; screenshots.test.ts runs the same capture into a
// temporary directory, so a change that breaks it fails the tests.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  mcpAuthorizationRequest,
  type RunningAdminStack,
  redeemCode,
  startAdminStack,
} from "../support/admin-stack";
import { type AuthorizationRequest, authorizationUrl } from "../support/oauth-client";
import { DEMO_USER, signIn } from "../support/stack";

/** Modest, and one device pixel per CSS pixel: the README shows them at their own size. */
export const SCREENSHOT_VIEWPORT = { width: 1100, height: 760 } as const;

export const SCREENSHOT_FILES = {
  consent: "consent.png",
  connectedApps: "connected-apps.png",
  auditTimeline: "audit-timeline.png",
} as const;

/** The app the pictures show being connected. */
export const PICTURED_APP = "Sentiment Desktop";

/** What each page showed when it was taken, so a test can tell a picture of the right page. */
export interface Capture {
  directory: string;
  /** The scope titles on the consent screen. */
  consentScopes: string[];
  /** The app names on the connected-apps page. */
  connectedApps: string[];
  /** The event names in the audit timeline, newest first. */
  auditEvents: string[];
}

/** Starts the stack, takes the three pictures into `directory`, and stops the stack again. */
export async function captureScreenshots(directory: string): Promise<Capture> {
  mkdirSync(directory, { recursive: true });
  const stack = await startAdminStack();
  let result: Capture;
  try {
    result = await capture(stack, directory);
  } catch (error) {
    await stack.close();
    throw error;
  }
  const errors = await stack.close();
  if (errors.length > 0) throw new Error(`the auth-server reported errors: ${String(errors)}`);
  return result;
}

async function capture(stack: RunningAdminStack, directory: string): Promise<Capture> {
  const context = await stack.browser.newContext({
    viewport: SCREENSHOT_VIEWPORT,
    deviceScaleFactor: 1,
    colorScheme: "light",
    reducedMotion: "reduce",
  });
  try {
    const page = await context.newPage();
    const shoot = (name: string) => page.screenshot({ path: join(directory, name) });

    // A person connects a desktop app, the way an MCP client does: registration, then /authorize.
    const request = await mcpAuthorizationRequest(stack, PICTURED_APP);
    await page.goto(authorizationUrl(stack.auth.issuer, request));
    await signIn(page, DEMO_USER);
    const scopes = page.getByRole("list", { name: "The app will be able to" });
    await scopes.waitFor();
    const consentScopes = await scopes
      .locator(".scope-heading > span:first-child")
      .allTextContents();
    await shoot(SCREENSHOT_FILES.consent);

    const callback = stack.callback.nextCallback();
    await page.getByRole("button", { name: "Allow" }).click();
    const code = (await callback).get("code") ?? "";
    // Let the browser finish loading the callback before it is sent elsewhere.
    await page.waitForURL((url) => url.searchParams.get("code") === code);
    const accessToken = await redeem(stack, request, code);
    await callTool(stack.mcpUrl, accessToken);

    await page.goto(`${stack.web.url}/account`);
    const apps = page.getByRole("table", { name: "Apps with access to your account" });
    const connectedApps = await apps.locator("tbody th .client-name").allTextContents();
    await shoot(SCREENSHOT_FILES.connectedApps);

    // The pictured app's trail, from consent to tool call, rather than the web app's own tokens.
    await page.goto(
      `${stack.web.url}/admin/audit?${new URLSearchParams({ client: request.clientId })}`,
    );
    const events = page.getByRole("table", { name: /Audit events/ });
    await events.waitFor();
    const auditEvents = await events.locator("tbody th code").allTextContents();
    // The timeline itself at the top of the picture, the filters above it scrolled away.
    const top = (await events.boundingBox())?.y ?? 0;
    await page.mouse.wheel(0, top - 16);
    // A function, not a string: the web app's CSP forbids eval, which a string predicate needs.
    // (Runs in the page; this package's types have no DOM, hence the shape of `window` spelled out.)
    await page.waitForFunction(
      (least) => (globalThis as unknown as { scrollY: number }).scrollY > least,
      top - 64,
    );
    await shoot(SCREENSHOT_FILES.auditTimeline);

    return { directory, consentScopes, connectedApps, auditEvents };
  } finally {
    await context.close();
  }
}

/** The code for tokens: the grant they start is what "connected" lists. */
async function redeem(stack: RunningAdminStack, request: AuthorizationRequest, code: string) {
  const exchanged = await redeemCode(stack, request, code);
  if (exchanged.status !== 200) {
    throw new Error(
      `the code was not redeemed: ${exchanged.status} ${String(exchanged.body.error)}`,
    );
  }
  return String(exchanged.body.access_token);
}

/** One tool call, so the timeline shows the MCP server's log beside the auth-server's. */
async function callTool(mcpUrl: string, accessToken: string) {
  const client = new Client({ name: PICTURED_APP, version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(mcpUrl), {
      requestInit: { headers: { Authorization: `Bearer ${accessToken}` } },
    }),
  );
  await client.callTool({ name: "get_ticker_sentiment", arguments: { ticker: "QTXA" } });
  await client.close();
}

const DOCS_IMAGES = fileURLToPath(new URL("../../../docs/images/", import.meta.url));

// `npm run screenshots`: regenerate the README's pictures.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await captureScreenshots(DOCS_IMAGES);
  for (const file of Object.values(SCREENSHOT_FILES)) console.log(join(result.directory, file));
}
