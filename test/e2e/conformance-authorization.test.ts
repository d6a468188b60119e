// The official MCP conformance suite's `authorization` command against the real authorization server:
// its metadata scenario, and a full authorization code grant with the real login and consent pages
// in Chromium (docs/conformance.md). The suite is the client here; this file only plays the person.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { MCP_RESOURCE } from "@repo/auth-server/test-server";
import { freeLoopbackPort } from "@repo/server-kit/free-port";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { readScenarioResults, runConformance } from "./support/conformance";
import { DEMO_USER, newPage, RESULTS_DIRECTORY, SCOPE, signIn, useStack } from "./support/stack";

const stack = useStack();

/**
 * A public client (RFC 7591, `token_endpoint_auth_method: none`) for the suite's own redirect URI,
 * registered the way an MCP client registers: with the scope it wants. The suite's authorization
 * request carries no `scope`, and RFC 6749 §3.3 lets a server then use a default: ours is the scope
 * the client registered with.
 */
async function registerClient(redirectUri: string, scope?: string): Promise<string> {
  const response = await fetch(`${stack.auth.issuer}/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      client_name: "MCP conformance suite",
      redirect_uris: [redirectUri],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
      ...(scope === undefined ? {} : { scope }),
    }),
  });
  const body = (await response.json()) as { client_id?: string; scope?: string };
  expect(response.status).toBe(201);
  expect(body.scope).toBe(scope);
  return body.client_id ?? "";
}

/**
 * Runs `conformance authorization` (both scenarios, in order: the code grant reads the metadata the
 * first one fetched) and hands `authorize` the authorization URL the suite prints for a person.
 */
async function runAuthorizationSuite(
  caseName: string,
  { scope, authorize }: { scope?: string; authorize: (url: URL) => Promise<void> },
) {
  // The suite's callback listener binds this port on 127.0.0.1 itself (and always that host).
  const port = await freeLoopbackPort();
  const redirectUri = `http://127.0.0.1:${port}/callback`;
  const clientId = await registerClient(redirectUri, scope);
  const outputDirectory = join(RESULTS_DIRECTORY, "conformance", caseName);
  rmSync(outputDirectory, { recursive: true, force: true });
  const suite = runConformance([
    "authorization",
    "--url",
    stack.auth.issuer,
    "--client-id",
    clientId,
    "--resource",
    MCP_RESOURCE,
    "--port",
    String(port),
    "--output-dir",
    outputDirectory,
  ]);
  try {
    const [, printed] = await suite.waitForOutput(
      /Access the following URL in your browser[^\n]*\n(\S+)\n/,
    );
    const url = new URL(printed ?? "");
    expect(`${url.origin}${url.pathname}`).toBe(`${stack.auth.issuer}/authorize`);
    expect(url.searchParams.get("redirect_uri")).toBe(redirectUri);
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("resource")).toBe(MCP_RESOURCE);
    expect(url.searchParams.has("scope")).toBe(false);
    // It prints the URL a moment before its listener is bound, and says so once it is.
    await suite.waitForOutput(
      new RegExp(`Callback server started: http://127\\.0\\.0\\.1:${port}\\n`),
    );
    await authorize(url);
    const exitCode = await suite.exited;
    return {
      exitCode,
      stdout: suite.stdout(),
      results: readScenarioResults(outputDirectory),
    };
  } finally {
    suite.kill();
  }
}

/** The suite's closing summary: one line per scenario, for failure messages. */
function summary(run: { stdout: string }): string {
  return run.stdout.slice(run.stdout.indexOf("=== SUMMARY ==="));
}

describe("the MCP conformance suite's authorization-server scenarios", () => {
  it("pass: metadata, and a code grant through sign-in and consent in Chromium", async () => {
    let page: Page | undefined;
    const run = await runAuthorizationSuite("registered-scope", {
      scope: SCOPE,
      authorize: async (url) => {
        page = await newPage(stack);
        await page.goto(url.href);
        await page.waitForURL(`${stack.web.url}/login?**`);
        await signIn(page, DEMO_USER);
        await page.waitForURL(`${stack.web.url}/consent?**`);
        // The registered scope stood in for the missing one: the person consents to exactly that.
        const scopes = page
          .getByRole("list", { name: "The app will be able to" })
          .getByRole("listitem");
        await scopes.first().waitFor();
        expect(await scopes.count()).toBe(2);
        await page.getByRole("button", { name: "Allow" }).click();
        // The suite's callback listener answers the browser, then exchanges the code.
        await page.waitForURL(`http://127.0.0.1:*/callback?**`);
      },
    });

    expect(await page?.locator("body").textContent()).toBe("OK. You can close this page.");
    expect(run.exitCode, summary(run)).toBe(0);
    expect(summary(run)).toContain("Total: 3 passed, 0 failed");
    expect(
      run.results.map(({ scenario, checks }) => ({
        scenario,
        // An error message, where there is one, shows up in the diff of a failing run.
        checks: checks.map(({ id, status, errorMessage }) => ({ id, status, errorMessage })),
      })),
    ).toEqual([
      {
        scenario: "authorization-server-authorization-code-grant",
        checks: [{ id: "authorization-code-grant", status: "SUCCESS" }],
      },
      {
        scenario: "authorization-server-authorization-server-metadata-endpoint",
        checks: [
          { id: "authorization-server-metadata", status: "SUCCESS" },
          { id: "authorization-server-metadata-cimd", status: "SUCCESS" },
        ],
      },
    ]);
    // The token response the suite saw (it redacts the tokens themselves) grants the registered scope.
    const grant = run.results[0]?.checks[0]?.details as { body: Record<string, unknown> };
    expect(grant.body).toMatchObject({ token_type: "Bearer", scope: SCOPE });
    expect(grant.body.refresh_token).toEqual(expect.any(String));
  });

  it("a client that registered no scope gets invalid_scope: there is no default to stand in for the omitted one", async () => {
    const run = await runAuthorizationSuite("no-registered-scope", {
      authorize: async (url) => {
        // A loopback redirect URI gets the error at once (no page to confirm it): follow it by hand.
        const response = await fetch(url, { redirect: "manual" });
        expect(response.status).toBe(302);
        const location = new URL(response.headers.get("location") ?? "");
        expect(location.searchParams.get("error")).toBe("invalid_scope");
        expect(location.searchParams.get("iss")).toBe(stack.auth.issuer);
        await (await fetch(location)).text();
      },
    });

    expect(run.exitCode).toBe(1);
    expect(summary(run)).toContain("Total: 2 passed, 1 failed");
    const grant = run.results.find(
      (result) => result.scenario === "authorization-server-authorization-code-grant",
    );
    expect(grant?.checks.map(({ status, errorMessage }) => ({ status, errorMessage }))).toEqual([
      { status: "FAILURE", errorMessage: "Authorization error: invalid_scope scope is required" },
    ]);
  });
});
