// The MCP TypeScript SDK v2 client (@modelcontextprotocol/client 2.4) as a third-party client of the
// whole stack: the real auth-server, MCP server and web app, consent given in Chromium. Where the v1
// client needs workarounds (the demo client's step-up), this one must work as the SDK ships it.
import {
  Client,
  ClientCredentialsProvider,
  IssuerMismatchError,
  type OAuthClientMetadata,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  type StoredOAuthClientInformation,
  type StoredOAuthTokens,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from "@modelcontextprotocol/client";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./support/browser";
import { type CallbackServer, startCallbackServer } from "./support/callback-server";
import { type DemoStack, startDemoStack } from "./support/demo-stack";
import { DEMO_USER } from "./support/stack";

const CLIENT_INFO = { name: "sdk-v2-e2e", version: "1.0.0" };
const WATCHLIST_WRITE = "mcp:data:watchlist:write";

let stack: DemoStack;
let browser: Browser;
let callback: CallbackServer;

beforeAll(async () => {
  [stack, browser, callback] = await Promise.all([
    startDemoStack(),
    launchChromium(),
    startCallbackServer(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await callback?.close();
  if (stack) {
    const errors = stack.auth.serverErrors;
    await stack.close();
    expect(errors).toEqual([]);
  }
});

const openClients: Client[] = [];
afterEach(async () => {
  for (const client of openClients.splice(0)) await client.close();
});

/**
 * The smallest honest OAuthClientProvider: a public native client (RFC 8252) keeping everything in
 * memory. It records each authorization URL the SDK sends the person to; the test is the person.
 */
class InMemoryPublicClient implements OAuthClientProvider {
  readonly authorizationUrls: URL[] = [];
  #client: StoredOAuthClientInformation | undefined;
  #tokens: StoredOAuthTokens | undefined;
  #codeVerifier = "";
  #discovery: OAuthDiscoveryState | undefined;

  get redirectUrl(): string {
    return callback.redirectUri;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: "SDK v2 end-to-end client",
      redirect_uris: [callback.redirectUri],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }

  clientInformation() {
    return this.#client;
  }
  saveClientInformation(client: StoredOAuthClientInformation) {
    this.#client = client;
  }
  tokens() {
    return this.#tokens;
  }
  saveTokens(tokens: StoredOAuthTokens) {
    this.#tokens = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrls.push(url);
  }
  saveCodeVerifier(codeVerifier: string) {
    this.#codeVerifier = codeVerifier;
  }
  codeVerifier() {
    return this.#codeVerifier;
  }
  // Kept beside the code verifier, so the callback is checked against the authorization server the
  // request went to (SEP-2352), not whichever one the MCP server names when the person comes back.
  saveDiscoveryState(state: OAuthDiscoveryState) {
    this.#discovery = state;
  }
  discoveryState() {
    return this.#discovery;
  }
}

function transportFor(provider: OAuthClientProvider): StreamableHTTPClientTransport {
  return new StreamableHTTPClientTransport(new URL(stack.mcpUrl), { authProvider: provider });
}

/** The person: opens `url`, signs in when asked, presses Allow; resolves with the callback's query. */
async function consent(context: BrowserContext, url: URL): Promise<URLSearchParams> {
  const answered = callback.nextCallback();
  const page = await context.newPage();
  await page.goto(url.href);
  const allow = page.getByRole("button", { name: "Allow" });
  const email = page.getByLabel("Email");
  await allow.or(email).first().waitFor();
  if (await email.isVisible()) {
    await email.fill(DEMO_USER.email);
    await page.getByLabel("Password").fill(DEMO_USER.password);
    await page.getByRole("button", { name: "Sign in" }).click();
  }
  await allow.click();
  const query = await answered;
  await page.close();
  return query;
}

/** Connects with `provider`, authorizing in `context` first when the server asks for it. */
async function connectAuthorized(
  provider: InMemoryPublicClient,
  context: BrowserContext,
): Promise<Client> {
  const first = transportFor(provider);
  await expect(new Client(CLIENT_INFO).connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
  const url = provider.authorizationUrls.at(-1);
  if (!url) throw new Error("the SDK did not send the person to the authorization server");
  await first.finishAuth(await consent(context, url));
  const client = new Client(CLIENT_INFO);
  openClients.push(client);
  await client.connect(transportFor(provider));
  return client;
}

function toolText(result: unknown): string {
  const { content } = result as { content: { type: string; text?: string }[] };
  return content.map((part) => part.text ?? "").join(" ");
}

describe("the MCP SDK v2 client against the whole stack", () => {
  it("a person's flow: registration, consent in the browser, finishAuth with the callback's iss (RFC 9207), a tool call", async () => {
    const provider = new InMemoryPublicClient();
    const context = await browser.newContext();
    const client = await connectAuthorized(provider, context);
    await context.close();

    const [url] = provider.authorizationUrls;
    expect(url?.origin).toBe(stack.auth.issuer);
    expect(url?.searchParams.get("resource")).toBe(stack.mcpUrl);
    expect(url?.searchParams.get("code_challenge_method")).toBe("S256");
    expect(callback.received.at(-1)?.get("iss")).toBe(stack.auth.issuer);

    const result = await client.callTool({
      name: "get_ticker_sentiment",
      arguments: { ticker: "QTXA" },
    });
    expect(result.isError).toBeFalsy();
    expect(toolText(result)).toMatch(/Quartexa/);
  });

  it("steps up on 403 insufficient_scope by asking for the union of scopes, with no refresh-token workaround", async () => {
    const provider = new InMemoryPublicClient();
    const context = await browser.newContext();
    const client = await connectAuthorized(provider, context);
    const granted = provider.tokens()?.scope?.split(" ") ?? [];
    expect(granted).not.toContain(WATCHLIST_WRITE);
    // The refresh token stays where the SDK keeps it: v2 does not try it for a wider scope.
    expect(provider.tokens()?.refresh_token).toBeTruthy();

    await expect(
      client.callTool({ name: "watchlist_add", arguments: { ticker: "VXLN" } }),
    ).rejects.toBeInstanceOf(UnauthorizedError);
    const stepUp = provider.authorizationUrls.at(-1);
    expect(provider.authorizationUrls).toHaveLength(2);
    const asked = stepUp?.searchParams.get("scope")?.split(" ") ?? [];
    expect(asked).toContain(WATCHLIST_WRITE);
    for (const scope of granted) expect(asked).toContain(scope);

    const transport = transportFor(provider);
    await transport.finishAuth(await consent(context, stepUp as URL));
    await context.close();
    expect(provider.tokens()?.scope?.split(" ")).toContain(WATCHLIST_WRITE);
    const wider = new Client(CLIENT_INFO);
    openClients.push(wider);
    await wider.connect(transport);
    const added = await wider.callTool({ name: "watchlist_add", arguments: { ticker: "VXLN" } });
    expect(added.isError).toBeFalsy();
    expect(toolText(added)).toMatch(/VXLN/);
  });

  it("refuses a callback whose iss names another authorization server (mix-up attack, RFC 9207)", async () => {
    const provider = new InMemoryPublicClient();
    const transport = transportFor(provider);
    await expect(new Client(CLIENT_INFO).connect(transport)).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    const context = await browser.newContext();
    const query = await consent(context, provider.authorizationUrls[0] as URL);
    await context.close();
    // An attacker's authorization server answers on the same redirect URI with a code of its own.
    query.set("iss", "https://attacker.example");
    await expect(transport.finishAuth(query)).rejects.toBeInstanceOf(IssuerMismatchError);
    expect(provider.tokens()).toBeUndefined();
  });

  it("ClientCredentialsProvider: the pre-registered machine client takes a token and calls a tool", async () => {
    const provider = new ClientCredentialsProvider({
      clientId: "demo-batch",
      clientSecret: "demo-batch-secret",
      scope: "mcp:tools:sentiment:read",
      // The secret goes to this issuer only, whichever one the MCP server's metadata names.
      expectedIssuer: stack.auth.issuer,
    });
    const client = new Client(CLIENT_INFO);
    openClients.push(client);
    await client.connect(
      new StreamableHTTPClientTransport(new URL(stack.mcpUrl), { authProvider: provider }),
    );
    const result = await client.callTool({
      name: "analyze_sentiment",
      arguments: { text: "Quartexa raised its full-year guidance." },
    });
    expect(result.isError).toBeFalsy();
    expect(toolText(result)).toMatch(/Bullish/);
  });
});
