// Negative tests for the authorization code flow, each named after the attack it stops.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { secretDigest } from "../src/security/secrets";
import { findRefreshToken } from "../src/store/grants";
import {
  ANALYST_USER,
  authorize,
  decide,
  internalApi,
  internalApiToken,
  introspect,
  logIn,
  obtainAuthorizationCode,
  pkcePair,
  READ_SCOPES,
  redeemCode,
  refresh,
  registerPublicClient,
  startInteraction,
} from "./support/authorization";
import { json, MCP_RESOURCE, startTestAuthServer, useTestAuthServer } from "./support/test-server";

const server = useTestAuthServer();

/** An authorization error must come back to the client's redirect URI with state and iss. */
function expectRedirectedError(response: Response, redirectUri: string, error: string) {
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get("location") ?? "");
  expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
  expect(location.searchParams.get("error")).toBe(error);
  expect(location.searchParams.get("state")).toBe("s1");
  expect(location.searchParams.get("iss")).toBe(server.issuer);
  return location;
}

async function validRequest() {
  const client = await registerPublicClient(server);
  return {
    client,
    parameters: {
      clientId: client.clientId,
      redirectUri: client.redirectUri,
      scope: READ_SCOPES,
      resource: MCP_RESOURCE,
      state: "s1",
      codeChallenge: pkcePair().codeChallenge,
    },
  };
}

describe("/authorize refuses, without redirecting, what it cannot trust", () => {
  it("does not redirect to an unregistered redirect URI (open redirector)", async () => {
    const { parameters } = await validRequest();
    const response = await authorize(server, {
      ...parameters,
      redirectUri: "https://attacker.example/callback",
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(await response.text()).toContain("did not register");
  });

  it("does not redirect for an unknown client", async () => {
    const response = await authorize(server, {
      clientId: "no-such-client",
      redirectUri: "http://127.0.0.1:5000/callback",
      codeChallenge: pkcePair().codeChallenge,
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
  });

  it("renders a client_id carrying HTML as text on the error page (reflected XSS)", async () => {
    const response = await authorize(server, {
      clientId: "<script>alert(1)</script>",
      codeChallenge: pkcePair().codeChallenge,
    });
    const page = await response.text();
    expect(page).not.toContain("<script>alert(1)</script>");
  });

  it("does not redirect when the client_id is repeated (parameter pollution)", async () => {
    const { parameters } = await validRequest();
    const query = new URLSearchParams([
      ["response_type", "code"],
      ["client_id", parameters.clientId],
      ["client_id", "another-client"],
      ["redirect_uri", parameters.redirectUri],
    ]);
    const response = await fetch(server.url(`/authorize?${query}`), { redirect: "manual" });
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
  });
});

describe("/authorize sends protocol errors back to the client with state and iss", () => {
  it("refuses a request without PKCE (code interception)", async () => {
    const { client, parameters } = await validRequest();
    const response = await authorize(server, { ...parameters, codeChallenge: undefined });
    const location = expectRedirectedError(response, client.redirectUri, "invalid_request");
    expect(location.searchParams.get("error_description")).toMatch(/code_challenge/);
  });

  it("refuses the plain PKCE method (a challenge that is the verifier)", async () => {
    const { client, parameters } = await validRequest();
    const response = await authorize(server, {
      ...parameters,
      codeChallenge: "a".repeat(43),
      codeChallengeMethod: "plain",
    });
    expectRedirectedError(response, client.redirectUri, "invalid_request");
  });

  it("refuses response types other than code (implicit flow token leakage)", async () => {
    const { client, parameters } = await validRequest();
    const response = await authorize(server, { ...parameters, extra: { response_type: "token" } });
    expectRedirectedError(response, client.redirectUri, "unsupported_response_type");
  });

  it("refuses an unknown scope", async () => {
    const { client, parameters } = await validRequest();
    const response = await authorize(server, { ...parameters, scope: "mcp:everything" });
    expectRedirectedError(response, client.redirectUri, "invalid_scope");
  });

  it("refuses an admin scope requested for the MCP resource (privilege escalation)", async () => {
    const { client, parameters } = await validRequest();
    const response = await authorize(server, { ...parameters, scope: "admin:clients" });
    expectRedirectedError(response, client.redirectUri, "invalid_scope");
  });

  it("refuses an unknown resource with invalid_target", async () => {
    const { client, parameters } = await validRequest();
    const response = await authorize(server, {
      ...parameters,
      resource: "https://other.example/mcp",
    });
    expectRedirectedError(response, client.redirectUri, "invalid_target");
  });

  it("refuses the internal API as a resource for a person's token (confused deputy)", async () => {
    const { client, parameters } = await validRequest();
    const response = await authorize(server, {
      ...parameters,
      resource: `${server.issuer}/internal`,
    });
    expectRedirectedError(response, client.redirectUri, "invalid_target");
  });

  it("refuses a machine client in the code flow", async () => {
    const response = await authorize(server, {
      clientId: "demo-batch",
      codeChallenge: pkcePair().codeChallenge,
    });
    // demo-batch has no redirect URI, so there is nowhere safe to send an error.
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
  });
});

describe("/token refuses codes that are stolen, replayed or bent", () => {
  it("refuses a wrong code_verifier (stolen code without the verifier)", async () => {
    const authorized = await obtainAuthorizationCode(server);
    const response = await redeemCode(server, authorized, { code_verifier: "x".repeat(43) });
    expect(response.status).toBe(400);
    expect((await json(response)).error).toBe("invalid_grant");
  });

  it("refuses a token request without code_verifier (PKCE downgrade)", async () => {
    const authorized = await obtainAuthorizationCode(server);
    const response = await redeemCode(server, authorized, { code_verifier: undefined });
    expect(response.status).toBe(400);
    expect((await json(response)).error).toBe("invalid_request");
  });

  it("rejects a replayed authorization code and revokes its tokens", async () => {
    const authorized = await obtainAuthorizationCode(server);
    const first = await json(redeemCode(server, authorized));
    expect((await introspect(server, first.access_token)).active).toBe(true);

    const replay = await redeemCode(server, authorized);
    expect(replay.status).toBe(400);
    expect((await json(replay)).error).toBe("invalid_grant");

    expect((await introspect(server, first.access_token)).active).toBe(false);
    const afterReplay = await refresh(server, authorized.clientId, first.refresh_token);
    expect((await json(afterReplay)).error).toBe("invalid_grant");
  });

  it("refuses a code redeemed by another client (code injection)", async () => {
    const authorized = await obtainAuthorizationCode(server);
    const other = await registerPublicClient(server);
    const response = await redeemCode(server, authorized, { client_id: other.clientId });
    expect(response.status).toBe(400);
    expect((await json(response)).error).toBe("invalid_grant");
    // The rightful client can still redeem it: a stranger's attempt does not burn the code.
    expect((await redeemCode(server, authorized)).status).toBe(200);
  });

  it("refuses a redirect_uri that differs from the authorization request's", async () => {
    const authorized = await obtainAuthorizationCode(server);
    const response = await redeemCode(server, authorized, {
      redirect_uri: "http://127.0.0.1:53682/other",
    });
    expect((await json(response)).error).toBe("invalid_grant");
  });

  it("refuses a token request that leaves out the redirect_uri the authorization request sent", async () => {
    const authorized = await obtainAuthorizationCode(server);
    const response = await redeemCode(server, authorized, { redirect_uri: undefined });
    expect((await json(response)).error).toBe("invalid_grant");
    // Left out at both ends (one registered URI), it is not required.
    const client = await registerPublicClient(server);
    const { codeVerifier, codeChallenge } = pkcePair();
    const interaction = await startInteraction(server, {
      clientId: client.clientId,
      scope: READ_SCOPES,
      resource: MCP_RESOURCE,
      codeChallenge,
    });
    const callback = await decide(server, interaction, await logIn(server));
    const withoutRedirect = await redeemCode(
      server,
      {
        code: callback.searchParams.get("code") ?? "",
        codeVerifier,
        clientId: client.clientId,
        redirectUri: client.redirectUri,
        userId: "",
        callback,
      },
      { redirect_uri: undefined },
    );
    expect(withoutRedirect.status).toBe(200);
  });

  it("refuses a resource swapped between authorize and token (audience confusion)", async () => {
    const authorized = await obtainAuthorizationCode(server);
    const response = await redeemCode(server, authorized, {
      resource: `${server.issuer}/internal`,
    });
    expect(response.status).toBe(400);
    expect((await json(response)).error).toBe("invalid_target");
  });

  it("refuses an expired code (60 seconds)", async () => {
    const authorized = await obtainAuthorizationCode(server);
    server.advanceClock(61);
    const response = await redeemCode(server, authorized);
    expect((await json(response)).error).toBe("invalid_grant");
  });

  it("gives exactly one success to 50 parallel redemptions of one code (race)", async () => {
    const authorized = await obtainAuthorizationCode(server);
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => redeemCode(server, authorized)),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    const errors = await Promise.all(
      responses.filter((response) => response.status !== 200).map((response) => json(response)),
    );
    expect(errors).toHaveLength(49);
    for (const error of errors) expect(error.error).toBe("invalid_grant");
  });
});

describe("refresh tokens resist theft", () => {
  it("revokes the whole family when a rotated refresh token is reused after its successor was used (token theft)", async () => {
    const authorized = await obtainAuthorizationCode(server);
    const tokens = await json(redeemCode(server, authorized));
    const rotated = await json(refresh(server, authorized.clientId, tokens.refresh_token));
    expect(rotated.refresh_token).toBeTypeOf("string");
    const latest = await json(refresh(server, authorized.clientId, rotated.refresh_token));
    expect(latest.refresh_token).toBeTypeOf("string");

    // The successor has been used, so this cannot be a retry of a lost response: someone else has it.
    const reuse = await refresh(server, authorized.clientId, tokens.refresh_token);
    expect(reuse.status).toBe(400);
    expect((await json(reuse)).error).toBe("invalid_grant");

    // The legitimate holder's newest token dies with the family, and so do its access tokens.
    const newer = await refresh(server, authorized.clientId, latest.refresh_token);
    expect((await json(newer)).error).toBe("invalid_grant");
    expect((await introspect(server, latest.access_token)).active).toBe(false);
    expect((await introspect(server, rotated.access_token)).active).toBe(false);
  });

  it("refuses a scope wider than the grant on refresh (scope escalation)", async () => {
    const authorized = await obtainAuthorizationCode(server);
    const tokens = await json(redeemCode(server, authorized));
    const response = await refresh(server, authorized.clientId, tokens.refresh_token, {
      scope: `${READ_SCOPES} mcp:data:watchlist:write`,
    });
    expect(response.status).toBe(400);
    expect((await json(response)).error).toBe("invalid_scope");
  });

  it("refuses a refresh token presented by another client", async () => {
    const authorized = await obtainAuthorizationCode(server);
    const tokens = await json(redeemCode(server, authorized));
    const other = await registerPublicClient(server);
    const response = await refresh(server, other.clientId, tokens.refresh_token);
    expect((await json(response)).error).toBe("invalid_grant");
  });

  it("refuses a refresh for another resource (audience confusion)", async () => {
    const authorized = await obtainAuthorizationCode(server);
    const tokens = await json(redeemCode(server, authorized));
    const response = await refresh(server, authorized.clientId, tokens.refresh_token, {
      resource: `${server.issuer}/internal`,
    });
    expect((await json(response)).error).toBe("invalid_target");
  });

  it("leaves exactly one live end of the chain after 10 parallel refreshes with one token (race)", async () => {
    const authorized = await obtainAuthorizationCode(server);
    const tokens = await json(redeemCode(server, authorized));
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => refresh(server, authorized.clientId, tokens.refresh_token)),
    );
    // Within REFRESH_REUSE_GRACE_SECONDS each is taken for a retry, and each withdraws the refresh
    // token handed out before it: however the ten interleave, one refresh token is left that works.
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
    const issued = await Promise.all(responses.map((response) => json(response)));
    const rows = await Promise.all(
      issued.map((body) =>
        server.instance.server.store.run((x) =>
          findRefreshToken(x, secretDigest(body.refresh_token)),
        ),
      ),
    );
    const live = issued.filter((_, index) => {
      const row = rows[index];
      return row?.rotatedAt === null && row.revokedAt === null;
    });
    expect(live).toHaveLength(1);
    const next = await refresh(server, authorized.clientId, live[0]?.refresh_token);
    expect(next.status).toBe(200);
  });
});

describe("the internal API is a protected resource", () => {
  it("answers a request without a token with 401 and a Bearer challenge", async () => {
    const response = await fetch(server.url("/internal/interactions/x"));
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(
      /^Bearer resource_metadata="http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource\/internal"/,
    );
  });

  it("refuses an MCP token at the internal API (token meant for another audience)", async () => {
    const request = new URLSearchParams({
      grant_type: "client_credentials",
      resource: MCP_RESOURCE,
    });
    const mcpToken = await json(
      fetch(server.url("/token"), {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Authorization: `Basic ${Buffer.from("demo-batch:demo-batch-secret").toString("base64")}`,
        },
        body: request.toString(),
      }),
    );
    const response = await internalApi(server, "/interactions/x", {
      token: mcpToken.access_token,
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  it("refuses a web token without internal:interactions with 403 insufficient_scope", async () => {
    const token = await internalApiToken(server, "admin:audit:read");
    const response = await internalApi(server, "/interactions/x", { token });
    expect(response.status).toBe(403);
    expect(response.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
  });

  it("publishes RFC 9728 metadata for the internal API", async () => {
    const metadata = await json(
      fetch(server.url("/.well-known/oauth-protected-resource/internal")),
    );
    expect(metadata).toMatchObject({
      resource: `${server.issuer}/internal`,
      authorization_servers: [server.issuer],
    });
  });
});

describe("RFC 7009 revocation of a person's grant", () => {
  it("revokes the refresh token and the grant's access tokens together", async () => {
    const authorized = await obtainAuthorizationCode(server);
    const tokens = await json(redeemCode(server, authorized));
    const response = await fetch(server.url("/revoke"), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        token: tokens.refresh_token,
        token_type_hint: "refresh_token",
        client_id: authorized.clientId,
      }).toString(),
    });
    expect(response.status).toBe(200);
    expect((await refresh(server, authorized.clientId, tokens.refresh_token)).status).toBe(400);
    expect((await introspect(server, tokens.access_token)).active).toBe(false);
  });

  it("does not let another client revoke someone else's refresh token (denial of service)", async () => {
    const authorized = await obtainAuthorizationCode(server);
    const tokens = await json(redeemCode(server, authorized));
    const other = await registerPublicClient(server);
    const response = await fetch(server.url("/revoke"), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        token: tokens.refresh_token,
        client_id: other.clientId,
      }).toString(),
    });
    expect(response.status).toBe(200);
    expect((await refresh(server, authorized.clientId, tokens.refresh_token)).status).toBe(200);
  });
});

describe("authorization rate limit", () => {
  it("answers a flood of /authorize requests from one address with a 429 page (metadata-fetch amplification)", async () => {
    const limited = await startTestAuthServer({ AUTHORIZATION_RATE_LIMIT: "3" });
    try {
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 5; attempt++) {
        const response = await authorize(limited, {
          // Unknown ids answer at once; in production each could be a document URL to fetch.
          clientId: `unknown-client-${attempt}`,
          codeChallenge: pkcePair().codeChallenge,
        });
        statuses.push(response.status);
        await response.text();
      }
      // The first three reach the handler (400: unknown client); then the limit answers.
      expect(statuses).toEqual([400, 400, 400, 429, 429]);
      const refused = await authorize(limited, { clientId: "x", codeChallenge: "y" });
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(refused.headers.get("location")).toBeNull();
      expect(await refused.text()).toContain("Too many sign-in requests");
    } finally {
      await limited.close();
    }
  });
});

describe("/authorize is not an open redirector (RFC 9700 §4.11.2)", () => {
  it("shows an error for a self-registered https redirect instead of redirecting (phishing via open redirect)", async () => {
    const client = await registerPublicClient(server, {
      redirect_uris: ["https://phish.example/login"],
    });
    const response = await authorize(server, {
      clientId: client.clientId,
      redirectUri: client.redirectUri,
      state: "s1",
      codeChallenge: pkcePair().codeChallenge,
      extra: { response_type: "token" },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
    const page = await response.text();
    expect(page).toContain("Return to phish.example");
    expect(page).toContain("error=unsupported_response_type");
  });
});

describe("a disabled person's tokens", () => {
  it("introspects a disabled user's access token as inactive (account closed, token still held)", async () => {
    const authorized = await obtainAuthorizationCode(server, { user: ANALYST_USER });
    const tokens = await json(redeemCode(server, authorized));
    expect((await introspect(server, tokens.access_token)).active).toBe(true);
    const { store } = server.instance.server;
    await store.run(({ db, tables: { users } }) =>
      db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, authorized.userId)),
    );
    try {
      expect((await introspect(server, tokens.access_token)).active).toBe(false);
      const refreshed = await refresh(server, authorized.clientId, tokens.refresh_token);
      expect((await json(refreshed)).error).toBe("invalid_grant");
    } finally {
      await store.run(({ db, tables: { users } }) =>
        db.update(users).set({ disabledAt: null }).where(eq(users.id, authorized.userId)),
      );
    }
  });
});
