// The authorization code flow end to end over HTTP: /authorize, login and consent through the
// internal API, /token with PKCE, refresh rotation; and the attacks each check exists to stop.
import { createLocalKeySet, verifyAccessToken } from "@repo/tokens";
import { describe, expect, it } from "vitest";
import {
  ANALYST_USER,
  decide,
  internalApi,
  logIn,
  obtainAuthorizationCode,
  pkcePair,
  postDecision,
  READ_SCOPES,
  redeemCode,
  refresh,
  registerPublicClient,
  startClientInteraction,
  startInteraction,
  viewInteraction,
} from "./support/authorization";
import { json, MCP_RESOURCE, useTestAuthServer } from "./support/test-server";

const server = useTestAuthServer();

async function tokensFor(scope = READ_SCOPES) {
  const authorized = await obtainAuthorizationCode(server, { scope });
  const response = await redeemCode(server, authorized);
  expect(response.status).toBe(200);
  return { authorized, tokens: await json(response) };
}

describe("authorization code flow", () => {
  it("redirects back with code, state and iss, and the code buys a user's token for the resource", async () => {
    const authorized = await obtainAuthorizationCode(server);
    expect(authorized.callback.origin + authorized.callback.pathname).toBe(authorized.redirectUri);
    expect(authorized.callback.searchParams.get("state")).toBe("state-123");
    expect(authorized.callback.searchParams.get("iss")).toBe(server.issuer);
    expect(authorized.code).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const response = await redeemCode(server, authorized);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const tokens = await json(response);
    expect(tokens).toMatchObject({
      token_type: "Bearer",
      expires_in: 600,
      scope: READ_SCOPES,
      resource: MCP_RESOURCE,
    });
    expect(tokens.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const jwks = await json(fetch(server.url("/.well-known/jwks.json")));
    const claims = await verifyAccessToken(tokens.access_token, {
      issuer: server.issuer,
      audience: MCP_RESOURCE,
      keys: createLocalKeySet(jwks as never),
    });
    expect(claims).toMatchObject({
      sub: authorized.userId,
      client_id: authorized.clientId,
      aud: MCP_RESOURCE,
      scope: READ_SCOPES,
    });
  });

  it("rotates the refresh token on every use and keeps the granted scope", async () => {
    const { authorized, tokens } = await tokensFor();
    const first = await refresh(server, authorized.clientId, tokens.refresh_token);
    expect(first.status).toBe(200);
    const rotated = await json(first);
    expect(rotated.refresh_token).toBeTypeOf("string");
    expect(rotated.refresh_token).not.toBe(tokens.refresh_token);
    expect(rotated.scope).toBe(READ_SCOPES);
    expect(rotated.resource).toBe(MCP_RESOURCE);

    const second = await refresh(server, authorized.clientId, rotated.refresh_token);
    expect(second.status).toBe(200);
  });

  it("lets a refresh narrow the scope, and a later refresh return to the full grant", async () => {
    const { authorized, tokens } = await tokensFor();
    const narrowed = await json(
      refresh(server, authorized.clientId, tokens.refresh_token, {
        scope: "mcp:data:news:read",
      }),
    );
    expect(narrowed.scope).toBe("mcp:data:news:read");
    const full = await json(refresh(server, authorized.clientId, narrowed.refresh_token));
    expect(full.scope).toBe(READ_SCOPES);
  });

  it("accepts a loopback redirect on another port than the registered one (RFC 8252 §7.3)", async () => {
    const client = await registerPublicClient(server);
    const otherPort = client.redirectUri.replace(":53682", ":61001");
    const authorized = await obtainAuthorizationCode(server, {
      client: { clientId: client.clientId, redirectUri: otherPort },
    });
    expect(authorized.callback.port).toBe("61001");
    expect((await redeemCode(server, authorized)).status).toBe(200);
  });

  it("lets a client ask for more than it registered with (step-up is the person's decision)", async () => {
    const client = await registerPublicClient(server, { scope: "mcp:tools:sentiment:read" });
    const authorized = await obtainAuthorizationCode(server, {
      client,
      scope: "mcp:tools:sentiment:read mcp:data:watchlist:write",
    });
    const tokens = await json(redeemCode(server, authorized));
    expect(tokens.scope).toBe("mcp:tools:sentiment:read mcp:data:watchlist:write");
  });

  it("uses the registered scope when the request names none", async () => {
    const client = await registerPublicClient(server, { scope: "mcp:data:news:read" });
    const { codeChallenge } = pkcePair();
    const interaction = await startInteraction(server, {
      clientId: client.clientId,
      redirectUri: client.redirectUri,
      resource: MCP_RESOURCE,
      codeChallenge,
    });
    const body = await json(viewInteraction(server, interaction));
    expect(body.scopes.map((scope: { name: string }) => scope.name)).toEqual([
      "mcp:data:news:read",
    ]);
  });

  it("sends access_denied with state and iss when the person denies", async () => {
    const client = await registerPublicClient(server);
    const interaction = await startClientInteraction(server, client, { state: "deny-state" });
    const callback = await decide(server, interaction, await logIn(server), "deny");
    expect(callback.searchParams.get("error")).toBe("access_denied");
    expect(callback.searchParams.get("state")).toBe("deny-state");
    expect(callback.searchParams.get("iss")).toBe(server.issuer);
    expect(callback.searchParams.has("code")).toBe(false);
  });
});

describe("the consent the internal API describes and remembers", () => {
  it("describes the client, the redirect host, the resource and each scope's risk", async () => {
    const client = await registerPublicClient(server, { client_name: "Sentiment Desk" });
    const interaction = await startClientInteraction(server, client, {
      scope: "mcp:tools:sentiment:read mcp:data:watchlist:write",
    });
    const body = await json(viewInteraction(server, interaction));
    expect(body).toMatchObject({
      id: interaction,
      client: {
        clientId: client.clientId,
        name: "Sentiment Desk",
        registrationType: "dynamic",
        verified: false,
      },
      redirectUri: client.redirectUri,
      redirectHost: "127.0.0.1",
      loopbackRedirect: true,
      resource: { identifier: MCP_RESOURCE, name: "Financial sentiment MCP server" },
      consentRemembered: false,
    });
    expect(body.scopes).toHaveLength(2);
    for (const scope of body.scopes) {
      expect(scope.title).toBeTypeOf("string");
      expect(scope.description).toBeTypeOf("string");
      expect(["low", "medium", "high"]).toContain(scope.risk);
    }
  });

  async function consentState(
    client: { clientId: string; redirectUri: string },
    userId: string,
    scope: string,
  ) {
    const interaction = await startInteraction(server, {
      clientId: client.clientId,
      redirectUri: client.redirectUri,
      scope,
      resource: MCP_RESOURCE,
      codeChallenge: pkcePair().codeChallenge,
    });
    const body = await json(viewInteraction(server, interaction, { userId }));
    return {
      previouslyApproved: body.previouslyApproved,
      consentRemembered: body.consentRemembered,
    };
  }

  it("remembers a consent for the same or fewer scopes, not for more", async () => {
    const client = await registerPublicClient(server, {
      redirect_uris: ["https://sentiment-desk.example/oauth/callback"],
    });
    const userId = await logIn(server, ANALYST_USER);
    await obtainAuthorizationCode(server, { client, user: ANALYST_USER });
    const remembered = { previouslyApproved: true, consentRemembered: true };
    expect(await consentState(client, userId, READ_SCOPES)).toEqual(remembered);
    expect(await consentState(client, userId, "mcp:data:news:read")).toEqual(remembered);
    expect(await consentState(client, userId, `${READ_SCOPES} mcp:data:watchlist:write`)).toEqual({
      previouslyApproved: false,
      consentRemembered: false,
    });
  });

  it("still asks for a click when a remembered client's redirect is loopback (client impersonation)", async () => {
    // Anyone can start a request with a public client's id, and any local program can listen on a
    // loopback port: approving without the person would hand it a code (RFC 8252 §8.6).
    const client = await registerPublicClient(server);
    const userId = await logIn(server, ANALYST_USER);
    await obtainAuthorizationCode(server, { client, user: ANALYST_USER });
    expect(await consentState(client, userId, READ_SCOPES)).toEqual({
      previouslyApproved: true,
      consentRemembered: false,
    });
  });

  it("refuses an unknown interaction id with 404", async () => {
    const response = await internalApi(server, "/interactions/not-a-real-interaction");
    expect(response.status).toBe(404);
    expect((await json(response)).error).toBe("unknown_interaction");
  });

  it("refuses an expired interaction with 410 (a stale consent page cannot issue a code)", async () => {
    const client = await registerPublicClient(server);
    const interaction = await startClientInteraction(server, client);
    const userId = await logIn(server);
    server.advanceClock(601);
    const read = await internalApi(server, `/interactions/${interaction}`);
    expect(read.status).toBe(410);
    const decision = await postDecision(server, interaction, "allow", { userId });
    expect(decision.status).toBe(410);
    expect((await json(decision)).error).toBe("interaction_expired");
  });

  it("answers a second decision on one interaction with 410 (no second code from a replayed form)", async () => {
    const client = await registerPublicClient(server);
    const interaction = await startClientInteraction(server, client);
    const userId = await logIn(server);
    await decide(server, interaction, userId);
    const again = await postDecision(server, interaction, "allow", { userId });
    expect(again.status).toBe(410);
  });
});
