// The MCP SDK's own auth() against this server: discovery from RFC 9728 metadata, Dynamic Client
// Registration, the authorization code flow with PKCE and `resource`, and a refresh — the person's
// part (login and consent) done through the same internal API the web app uses.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { auth, type OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from "@modelcontextprotocol/sdk/shared/auth.js";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decide, logIn } from "./support/authorization";
import { MCP_RESOURCE, useTestAuthServer } from "./support/test-server";

const server = useTestAuthServer();

/**
 * Serves the MCP resource's RFC 9728 document. The SDK discovers the authorization server from it;
 * the MCP server itself lives in apps/mcp-server, and its own tests check its metadata.
 */
let resourceMetadataServer: Server;
let resourceMetadataUrl: URL;
beforeAll(async () => {
  resourceMetadataServer = createServer((_, response) => {
    response.setHeader("Content-Type", "application/json");
    response.end(
      JSON.stringify({ resource: MCP_RESOURCE, authorization_servers: [server.issuer] }),
    );
  });
  await new Promise<void>((resolve) => resourceMetadataServer.listen(0, "127.0.0.1", resolve));
  const { port } = resourceMetadataServer.address() as AddressInfo;
  resourceMetadataUrl = new URL(
    `http://127.0.0.1:${port}/.well-known/oauth-protected-resource/mcp`,
  );
});
afterAll(() => new Promise<void>((resolve) => resourceMetadataServer.close(() => resolve())));

/** The smallest faithful OAuthClientProvider: state in memory, the browser step done by the test. */
class InMemoryProvider implements OAuthClientProvider {
  client?: OAuthClientInformationMixed;
  savedTokens?: OAuthTokens;
  verifier = "";
  authorizationUrl?: URL;

  get redirectUrl() {
    return "http://127.0.0.1:47123/callback";
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: "SDK auth() test",
      redirect_uris: [this.redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }
  state() {
    return "sdk-state";
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(information: OAuthClientInformationMixed) {
    this.client = information;
  }
  tokens() {
    return this.savedTokens;
  }
  saveTokens(tokens: OAuthTokens) {
    this.savedTokens = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
}

describe("the MCP SDK's auth()", () => {
  it("registers, authorizes with PKCE and resource, exchanges the code and refreshes", async () => {
    const provider = new InMemoryProvider();
    const options = {
      serverUrl: MCP_RESOURCE,
      resourceMetadataUrl,
      scope: "mcp:tools:sentiment:read",
    };
    expect(await auth(provider, options)).toBe("REDIRECT");
    expect(provider.client?.client_id).toBeTruthy();

    const authorizationUrl = provider.authorizationUrl as URL;
    expect(authorizationUrl.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorizationUrl.searchParams.get("resource")).toBe(MCP_RESOURCE);

    // The browser's part: /authorize → the web app's consent page → the person allows.
    const started = await fetch(authorizationUrl, { redirect: "manual" });
    expect(started.status).toBe(303);
    const interaction = new URL(started.headers.get("location") ?? "").searchParams.get(
      "interaction",
    );
    const callback = await decide(server, interaction ?? "", await logIn(server));
    expect(callback.searchParams.get("state")).toBe("sdk-state");
    expect(callback.searchParams.get("iss")).toBe(server.issuer);

    const code = callback.searchParams.get("code") ?? "";
    expect(await auth(provider, { ...options, authorizationCode: code })).toBe("AUTHORIZED");
    const first = provider.savedTokens as OAuthTokens;
    expect(decodeJwt(first.access_token)).toMatchObject({
      aud: MCP_RESOURCE,
      scope: "mcp:tools:sentiment:read",
      client_id: provider.client?.client_id,
    });
    expect(first.refresh_token).toBeTruthy();

    // With tokens stored, auth() refreshes; the server rotates and the SDK keeps the new token.
    expect(await auth(provider, options)).toBe("AUTHORIZED");
    const second = provider.savedTokens as OAuthTokens;
    expect(second.refresh_token).toBeTruthy();
    expect(second.refresh_token).not.toBe(first.refresh_token);
  });

  it("keeps the person signed in when the SDK retries a refresh whose response was lost", async () => {
    const provider = new InMemoryProvider();
    const options = {
      serverUrl: MCP_RESOURCE,
      resourceMetadataUrl,
      scope: "mcp:tools:sentiment:read",
    };
    expect(await auth(provider, options)).toBe("REDIRECT");
    const started = await fetch(provider.authorizationUrl as URL, { redirect: "manual" });
    const interaction = new URL(started.headers.get("location") ?? "").searchParams.get(
      "interaction",
    );
    const callback = await decide(server, interaction ?? "", await logIn(server));
    const code = callback.searchParams.get("code") ?? "";
    expect(await auth(provider, { ...options, authorizationCode: code })).toBe("AUTHORIZED");
    const held = provider.savedTokens as OAuthTokens;

    // A refresh reaches the server but its response is lost: the client still holds the old token.
    const lost = await fetch(server.url("/token"), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: held.refresh_token ?? "",
        client_id: provider.client?.client_id ?? "",
      }).toString(),
    });
    expect(lost.status).toBe(200);

    // The SDK refreshes again with it. On invalid_grant it would drop the tokens and answer
    // "REDIRECT" (sign in again); within the grace it gets a fresh pair.
    expect(await auth(provider, options)).toBe("AUTHORIZED");
    const retried = provider.savedTokens as OAuthTokens;
    expect(retried.refresh_token).not.toBe(held.refresh_token);
    expect(await auth(provider, options)).toBe("AUTHORIZED");
  });
});
