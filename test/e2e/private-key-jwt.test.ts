// RFC 7523 private_key_jwt end to end: an administrator creates a machine client in the admin console
// (Chromium, the built web app) by pasting its public key; the MCP SDK v2 client's PrivateKeyJwtProvider
// signs its assertions with the private key, gets a token from the auth-server, and calls a tool at the
// MCP server (its own process).
import { generateKeyPairSync } from "node:crypto";
import {
  Client,
  PrivateKeyJwtProvider,
  StreamableHTTPClientTransport,
} from "@modelcontextprotocol/client";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useAdminStack } from "./support/admin-stack";
import { DEMO_USER, newPage, signIn, text } from "./support/stack";

const stack = useAdminStack();

const CLIENT_INFO = { name: "private-key-jwt-e2e", version: "1.0.0" };
const SCOPE = "mcp:tools:sentiment:read";
const CLIENT_ID = "key-batch-job";

function es256KeyPair(kid: string) {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return {
    publicJwk: { ...publicKey.export({ format: "jwk" }), kid, alg: "ES256", use: "sig" },
    privatePem: privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
  };
}

function connect(provider: PrivateKeyJwtProvider): Promise<Client> {
  const client = new Client(CLIENT_INFO);
  return client
    .connect(new StreamableHTTPClientTransport(new URL(stack.mcpUrl), { authProvider: provider }))
    .then(() => client);
}

/** The new-client form, signed in as the demo administrator, with a private key and `jwks` pasted. */
async function createKeyClient(page: Page, clientId: string, jwks: unknown) {
  await page.goto(`${stack.web.url}/admin/clients/new`);
  await page.waitForURL(`${stack.web.url}/login?next=**`);
  await signIn(page, DEMO_USER);
  await page.waitForURL(`${stack.web.url}/admin/clients/new`);
  await page.getByLabel("Name", { exact: true }).fill("Key-holding batch job");
  await page.getByLabel("Client ID (optional)").fill(clientId);
  await page.getByLabel(new RegExp(SCOPE)).check();
  await page.getByLabel(/A private key/).check();
  await page.getByLabel("Public keys (JWK Set)").fill(JSON.stringify(jwks));
  await page.getByRole("button", { name: "Create client" }).click();
}

describe("private_key_jwt from the admin console to a tool call", () => {
  const key = es256KeyPair("console-key-1");

  it("creates a client from its pasted public key, with no secret, and the SDK's PrivateKeyJwtProvider (aud: the issuer) gets a token and calls a tool", async () => {
    const page = await newPage(stack);
    await createKeyClient(page, CLIENT_ID, { keys: [key.publicJwk] });
    await page.waitForURL(`${stack.web.url}/admin/clients/view?id=${CLIENT_ID}`);
    expect(await text(page.getByRole("status"))).toMatch(/authenticates with its own key/);
    expect(await page.getByTestId("client-secret").count()).toBe(0);
    expect(await text(page.locator("dl.details"))).toMatch(/private_key_jwt.*console-key-1/);
    expect(await page.getByRole("link", { name: /Rotate secret/ }).count()).toBe(0);

    const provider = new PrivateKeyJwtProvider({
      clientId: CLIENT_ID,
      privateKey: key.privatePem,
      algorithm: "ES256",
      scope: SCOPE,
      expectedIssuer: stack.auth.issuer,
    });
    const client = await connect(provider);
    try {
      expect(provider.tokens()?.scope).toBe(SCOPE);
      const result = await client.callTool({
        name: "analyze_sentiment",
        arguments: { text: "Quartexa raised its full-year guidance." },
      });
      expect(result.isError).toBeFalsy();
      const { content } = result as { content: { text?: string }[] };
      expect(content.map((part) => part.text ?? "").join(" ")).toMatch(/Bullish/);
    } finally {
      await client.close();
    }
  });

  it("gets no token for that client id signed with a key it never registered (stolen client id)", async () => {
    const stranger = es256KeyPair("console-key-1");
    const provider = new PrivateKeyJwtProvider({
      clientId: CLIENT_ID,
      privateKey: stranger.privatePem,
      algorithm: "ES256",
      scope: SCOPE,
      expectedIssuer: stack.auth.issuer,
    });
    const refusal = await connect(provider).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(String(refusal)).toMatch(/client authentication failed/);
    expect(provider.tokens()).toBeUndefined();
  });

  it("refuses a private key pasted into the console, and says why (a private key in the database)", async () => {
    const page = await newPage(stack);
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    await createKeyClient(page, "key-leaked-job", {
      keys: [{ ...privateKey.export({ format: "jwk" }), kid: "leaked" }],
    });
    // Back on the form, with the auth-server's reason in the console's error message.
    expect(await text(page.locator("p.alert"))).toMatch(/private or symmetric key/);
    expect(page.url()).toBe(`${stack.web.url}/admin/clients/new`);
  });
});
