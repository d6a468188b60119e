// The MCP TypeScript SDK's own client code against this server: discovery, registration and the
// client credentials grant, exactly as an MCP client performs them (black-box interoperability).
import {
  discoverAuthorizationServerMetadata,
  fetchToken,
  registerClient,
} from "@modelcontextprotocol/sdk/client/auth.js";
import { ClientCredentialsProvider } from "@modelcontextprotocol/sdk/client/auth-extensions.js";
// The SDK maps error codes to these classes; its auth() re-registers on exactly InvalidClientError.
import { InvalidClientError } from "@modelcontextprotocol/sdk/server/auth/errors.js";
import { createRemoteKeySet, verifyAccessToken } from "@repo/tokens";
import { describe, expect, it } from "vitest";
import { DEMO_BATCH, MCP_RESOURCE, useTestAuthServer } from "./support/test-server";

const server = useTestAuthServer();

describe("the MCP SDK client", () => {
  it("discovers the authorization server metadata through its own probing order", async () => {
    const metadata = await discoverAuthorizationServerMetadata(server.issuer);
    expect(metadata?.issuer).toBe(server.issuer);
    expect(metadata?.code_challenge_methods_supported).toContain("S256");
  });

  it("registers a public client with Dynamic Client Registration", async () => {
    const metadata = await discoverAuthorizationServerMetadata(server.issuer);
    const information = await registerClient(server.issuer, {
      metadata,
      clientMetadata: {
        client_name: "SDK test client",
        redirect_uris: ["http://localhost:33418/oauth/callback"],
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "none",
      },
      scope: "mcp:tools:sentiment:read",
    });
    expect(information.client_id).toBeTruthy();
    expect(information.redirect_uris).toEqual(["http://localhost:33418/oauth/callback"]);
    expect(information.scope).toBe("mcp:tools:sentiment:read");
  });

  it("obtains a client-credentials token for the MCP resource with its ClientCredentialsProvider", async () => {
    const metadata = await discoverAuthorizationServerMetadata(server.issuer);
    const provider = new ClientCredentialsProvider({
      clientId: DEMO_BATCH.clientId,
      clientSecret: DEMO_BATCH.clientSecret,
      scope: "mcp:tools:sentiment:read mcp:data:news:read",
      expectedIssuer: server.issuer,
    });
    const tokens = await fetchToken(provider, server.issuer, {
      metadata,
      resource: new URL(MCP_RESOURCE),
    });
    expect(tokens.token_type).toBe("Bearer");
    expect(tokens.scope).toBe("mcp:tools:sentiment:read mcp:data:news:read");
    const claims = await verifyAccessToken(tokens.access_token, {
      issuer: server.issuer,
      audience: MCP_RESOURCE,
      keys: createRemoteKeySet(server.url("/.well-known/jwks.json")),
    });
    expect(claims.client_id).toBe("demo-batch");
  });

  it("surfaces invalid_client for wrong credentials, the code on which SDK clients re-register", async () => {
    const metadata = await discoverAuthorizationServerMetadata(server.issuer);
    const provider = new ClientCredentialsProvider({
      clientId: DEMO_BATCH.clientId,
      clientSecret: "wrong-secret",
      expectedIssuer: server.issuer,
    });
    await expect(
      fetchToken(provider, server.issuer, { metadata, resource: new URL(MCP_RESOURCE) }),
    ).rejects.toBeInstanceOf(InvalidClientError);
  });
});
