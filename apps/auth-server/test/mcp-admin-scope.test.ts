// The MCP server's admin scope (admin:mcp:audit:read): a token for the MCP server that only the web
// app's own client can get, by client credentials, and that no person can consent to.
import { scopesForAudience } from "@repo/scopes";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import {
  authorize,
  obtainAuthorizationCode,
  pkcePair,
  redeemCode,
  refresh,
  registerPublicClient,
  WEB_CLIENT,
} from "./support/authorization";
import {
  json,
  MCP_RESOURCE,
  requestClientCredentialsToken,
  useTestAuthServer,
} from "./support/test-server";

const server = useTestAuthServer();
const ADMIN_SCOPE = "admin:mcp:audit:read";

describe("the MCP server's admin scope", () => {
  it("is issued to the web app's client for the MCP server, with the MCP server as audience", async () => {
    const response = await requestClientCredentialsToken(
      server,
      { resource: MCP_RESOURCE, scope: ADMIN_SCOPE },
      WEB_CLIENT,
    );
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.scope).toBe(ADMIN_SCOPE);
    expect(decodeJwt(body.access_token)).toMatchObject({ aud: MCP_RESOURCE, sub: "web" });
  });

  it("refuses it to a dynamically registered client at /authorize (admin access through consent)", async () => {
    const client = await registerPublicClient(server, { scope: ADMIN_SCOPE });
    const response = await authorize(server, {
      clientId: client.clientId,
      redirectUri: client.redirectUri,
      scope: `mcp:tools:sentiment:read ${ADMIN_SCOPE}`,
      resource: MCP_RESOURCE,
      state: "s",
      codeChallenge: pkcePair().codeChallenge,
    });
    // An error for a valid client and redirect URI goes back to the client (RFC 6749 §4.1.2.1).
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location") ?? "");
    expect(location.origin + location.pathname).toBe(client.redirectUri);
    expect(location.searchParams.get("error")).toBe("invalid_scope");
  });

  it("cannot be reached by widening a refresh (scope escalation after consent)", async () => {
    const authorized = await obtainAuthorizationCode(server);
    const tokens = await json(redeemCode(server, authorized));
    const response = await refresh(server, authorized.clientId, tokens.refresh_token, {
      scope: `mcp:tools:sentiment:read ${ADMIN_SCOPE}`,
    });
    expect(response.status).toBe(400);
    expect((await json(response)).error).toBe("invalid_scope");
  });

  it("refuses it to another machine client (demo-batch) and to a public client's client_credentials", async () => {
    const batch = await requestClientCredentialsToken(server, {
      resource: MCP_RESOURCE,
      scope: ADMIN_SCOPE,
    });
    expect(batch.status).toBe(400);
    expect((await json(batch)).error).toBe("invalid_scope");

    const client = await registerPublicClient(server);
    const request = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: client.clientId,
      resource: MCP_RESOURCE,
      scope: ADMIN_SCOPE,
    });
    const publicClient = await fetch(server.url("/token"), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: request.toString(),
    });
    expect(publicClient.status).toBe(400);
    expect((await json(publicClient)).error).toBe("unauthorized_client");
  });

  it("is not advertised: not in scopes_supported, nor for the internal API", async () => {
    const metadata = await json(fetch(server.url("/.well-known/oauth-authorization-server")));
    expect(metadata.scopes_supported).not.toContain(ADMIN_SCOPE);
    expect(scopesForAudience("mcp")).not.toContain(ADMIN_SCOPE);
    const internal = await requestClientCredentialsToken(
      server,
      { resource: `${server.issuer}/internal`, scope: ADMIN_SCOPE },
      WEB_CLIENT,
    );
    expect(internal.status).toBe(400);
    expect((await json(internal)).error).toBe("invalid_scope");
  });
});
