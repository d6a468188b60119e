// RFC 6750 and RFC 9728 §5.1 at the HTTP layer: requireBearer over real HTTP on loopback.

import type { ServerType } from "@hono/node-server";
import { Hono } from "hono";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  AUDIENCE,
  claimsAt,
  createTestKey,
  hmacWithPublicKey,
  ISSUER,
  OTHER_AUDIENCE,
  RESOURCE_METADATA_URL,
  serveOnLoopback,
  signWith,
  type TestKey,
  unsecuredToken,
} from "../test/fixtures";
import { type AccessTokenKeySource, issueAccessToken } from "./access-token";
import {
  type BearerDecision,
  type BearerVariables,
  type RequireBearerOptions,
  requireBearer,
} from "./hono";
import { createLocalKeySet } from "./jwks";
import { toJwks } from "./keys";
import { createAccessTokenVerifier } from "./verifier";

const SENTIMENT = "mcp:tools:sentiment:read";
const CLIMATE = "mcp:tools:climate";
const DIGEST = "mcp:operations:automation:digest";

let key: TestKey;
let otherKey: TestKey;
let keys: AccessTokenKeySource;
const servers: ServerType[] = [];

beforeAll(async () => {
  [key, otherKey] = await Promise.all([createTestKey(), createTestKey()]);
  keys = createLocalKeySet(toJwks([key]));
});

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

/** A protected /mcp route on a real loopback server, echoing what the handler sees. */
async function serveProtected(overrides: Partial<RequireBearerOptions> = {}) {
  const onDecision = vi.fn<NonNullable<RequireBearerOptions["onDecision"]>>();
  const app = new Hono<{ Variables: BearerVariables }>();
  app.use(
    "/mcp",
    requireBearer({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwks: keys,
      resourceMetadataUrl: RESOURCE_METADATA_URL,
      requiredScopes: [SENTIMENT],
      onDecision,
      ...overrides,
    }),
  );
  app.all("/mcp", async (c) =>
    c.json({ method: c.req.method, claims: c.var.accessToken, body: await c.req.text() }),
  );
  const url = await serveOnLoopback(app, servers);
  return { url, onDecision };
}

async function tokenWith(scopes: string[], audience = AUDIENCE) {
  const { accessToken } = await issueAccessToken({
    signingKey: key,
    issuer: ISSUER,
    audience,
    subject: "user-1",
    clientId: "client-1",
    scopes,
    lifetimeSeconds: 600,
  });
  return accessToken;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function onlyDecision(onDecision: {
  mock: { calls: [BearerDecision, unknown][] };
}): BearerDecision {
  expect(onDecision.mock.calls).toHaveLength(1);
  const [decision] = onDecision.mock.calls[0] ?? [];
  if (decision === undefined) throw new Error("onDecision was not called");
  return decision;
}

async function expectRefusal(response: Response, status: number, error: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get("cache-control")).toBe("no-store");
  const challenge = response.headers.get("www-authenticate") ?? "";
  expect(challenge).toMatch(/^Bearer resource_metadata="/);
  expect(challenge).toContain(`error="${error}"`);
  const body = (await response.json()) as { error: string; error_description: string };
  expect(body.error).toBe(error);
  expect(challenge).toContain(`error_description="${body.error_description}"`);
  return { challenge, body };
}

describe("requireBearer: no token", () => {
  it("answers 401 with exactly the RFC 9728 §5.1 challenge and no error information", async () => {
    const { url, onDecision } = await serveProtected();
    const response = await fetch(url);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe(
      `Bearer resource_metadata="${RESOURCE_METADATA_URL}", scope="${SENTIMENT}"`,
    );
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.text()).toBe("");
    expect(onlyDecision(onDecision)).toEqual({
      outcome: "missing_token",
      requiredScopes: [SENTIMENT],
      errorDescription: undefined,
    });
  });

  it("treats Basic credentials as no token: the challenge tells the client to use Bearer", async () => {
    const { url } = await serveProtected();
    const response = await fetch(url, { headers: { authorization: "Basic dXNlcjpwYXNz" } });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).not.toContain("error=");
  });

  it("advertises challengeScopes in the 401 when given", async () => {
    const { url } = await serveProtected({
      challengeScopes: [SENTIMENT, "offline_access", CLIMATE],
    });
    const response = await fetch(url);
    expect(response.headers.get("www-authenticate")).toBe(
      `Bearer resource_metadata="${RESOURCE_METADATA_URL}", scope="${SENTIMENT} ${CLIMATE}"`,
    );
  });

  it("omits scope from the challenge when the route needs none", async () => {
    const { url } = await serveProtected({ requiredScopes: [] });
    const response = await fetch(url);
    expect(response.headers.get("www-authenticate")).toBe(
      `Bearer resource_metadata="${RESOURCE_METADATA_URL}"`,
    );
  });
});

describe("requireBearer: tokens sent the wrong way (400 invalid_request)", () => {
  it("rejects a token in the query string, where it would be logged (OAuth 2.1, MCP)", async () => {
    const { url, onDecision } = await serveProtected();
    const token = await tokenWith([SENTIMENT]);
    const response = await fetch(`${url}?access_token=${token}`);
    const { challenge, body } = await expectRefusal(response, 400, "invalid_request");
    expect(challenge + body.error_description).not.toContain(token);
    expect(onlyDecision(onDecision).outcome).toBe("invalid_request");
  });

  it("rejects a query-string token even next to a valid Authorization header", async () => {
    const { url } = await serveProtected();
    const token = await tokenWith([SENTIMENT]);
    const response = await fetch(`${url}?access_token=${token}`, { headers: bearer(token) });
    await expectRefusal(response, 400, "invalid_request");
  });

  it("rejects a token in a form-encoded body (RFC 6750 §2.2, which MCP clients must not use)", async () => {
    const { url } = await serveProtected();
    const token = await tokenWith([SENTIMENT]);
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
      body: new URLSearchParams({ access_token: token }),
    });
    await expectRefusal(response, 400, "invalid_request");
  });

  it("lets the handler read a form body that carries no token", async () => {
    const { url } = await serveProtected();
    const response = await fetch(url, {
      method: "POST",
      headers: {
        ...bearer(await tokenWith([SENTIMENT])),
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "ticker=ACME",
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ body: "ticker=ACME" });
  });

  it.each([
    ["two tokens", "Bearer abc def"],
    ["a second credential after a comma", "Bearer abc, Basic xyz"],
    ["Bearer without a token", "Bearer"],
    ["a token with characters outside b64token", "Bearer abc!def"],
  ])("rejects a malformed Authorization header: %s", async (_, authorization) => {
    const { url, onDecision } = await serveProtected();
    const response = await fetch(url, { headers: { authorization } });
    await expectRefusal(response, 400, "invalid_request");
    expect(onlyDecision(onDecision).outcome).toBe("invalid_request");
  });
});

describe("requireBearer: invalid tokens (401 invalid_token)", () => {
  const now = () => Math.floor(Date.now() / 1000);
  const valid = () => claimsAt({ iat: now() - 10, exp: now() + 600 });

  const cases: [string, () => Promise<string>, string, string][] = [
    [
      "an expired token",
      () => signWith(key, claimsAt({ iat: now() - 700, exp: now() - 100 })),
      "expired",
      "access token expired",
    ],
    [
      "a token for another resource (replay across servers)",
      () => tokenWith([SENTIMENT], OTHER_AUDIENCE),
      "wrong_audience",
      "access token audience does not include this resource",
    ],
    [
      "a token from another issuer",
      () => signWith(key, { ...valid(), iss: "http://evil.example" }),
      "wrong_issuer",
      "access token was not issued by the expected authorization server",
    ],
    [
      "a token signed by a key the JWKS does not hold",
      () => signWith(otherKey, valid()),
      "unknown_key",
      "access token is signed with a key this resource does not trust",
    ],
    [
      "a token claiming a trusted kid, signed with another key",
      () => signWith(otherKey, valid(), { typ: "at+jwt", kid: key.kid }),
      "invalid_signature",
      "access token signature is invalid",
    ],
    [
      'an unsecured token (alg "none")',
      async () => unsecuredToken(valid(), key.kid),
      "unsupported_algorithm",
      "access token is not signed with ES256 or RS256",
    ],
    [
      "an HS256 token keyed with the public key (algorithm confusion)",
      () => hmacWithPublicKey(key.publicJwk, valid()),
      "unsupported_algorithm",
      "access token is not signed with ES256 or RS256",
    ],
    [
      "a plain JWT that is not an access token (typ JWT)",
      () => signWith(key, valid(), { typ: "JWT", kid: key.kid }),
      "wrong_type",
      "token is not a JWT access token (typ must be at+jwt)",
    ],
    [
      "a token with no client_id",
      () => signWith(key, { ...valid(), client_id: undefined }),
      "invalid_claims",
      "access token claim client_id is missing",
    ],
    [
      "a token that is not a JWT",
      async () => "not-a-jwt",
      "malformed",
      "access token is not a well-formed JWT",
    ],
  ];
  it.each(cases)("rejects %s", async (_, makeToken, reason, description) => {
    const { url, onDecision } = await serveProtected();
    const token = await makeToken();
    const response = await fetch(url, { headers: bearer(token) });
    const { challenge, body } = await expectRefusal(response, 401, "invalid_token");
    expect(body.error_description).toBe(description);
    expect(challenge).toContain(`resource_metadata="${RESOURCE_METADATA_URL}"`);
    expect(challenge).toContain(`scope="${SENTIMENT}"`);
    expect(challenge + JSON.stringify(body)).not.toContain(token);
    expect(onlyDecision(onDecision)).toMatchObject({ outcome: "invalid_token", reason });
  });

  it("answers 503, not 401, when the key source fails: the token may well be good", async () => {
    const broken: AccessTokenKeySource = async () => {
      throw new TypeError("fetch failed");
    };
    const { url, onDecision } = await serveProtected({ jwks: broken });
    const response = await fetch(url, { headers: bearer(await tokenWith([SENTIMENT])) });
    expect(response.status).toBe(503);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("retry-after")).toBe("5");
    expect(await response.json()).toMatchObject({ error: "temporarily_unavailable" });
    expect(onlyDecision(onDecision)).toMatchObject({
      outcome: "verification_unavailable",
      reason: "key_source_unavailable",
    });
  });
});

describe("requireBearer: scopes", () => {
  it("answers 403 insufficient_scope naming the scope the operation needs", async () => {
    const { url, onDecision } = await serveProtected({ requiredScopes: [SENTIMENT, CLIMATE] });
    const response = await fetch(url, { headers: bearer(await tokenWith([SENTIMENT])) });
    const { challenge, body } = await expectRefusal(response, 403, "insufficient_scope");
    expect(challenge).toBe(
      `Bearer resource_metadata="${RESOURCE_METADATA_URL}", scope="${SENTIMENT} ${CLIMATE}", error="insufficient_scope", error_description="${body.error_description}"`,
    );
    expect(body.error_description).toContain(CLIMATE);
    expect(body.error_description).not.toContain(SENTIMENT);
    expect(onlyDecision(onDecision)).toMatchObject({
      outcome: "insufficient_scope",
      claims: { sub: "user-1", scope: SENTIMENT },
      requiredScopes: [SENTIMENT, CLIMATE],
    });
  });

  it("keeps the token's scopes in a 403 challenge, so a step-up does not lose them (MCP 2025-11-25)", async () => {
    const { url } = await serveProtected({ requiredScopes: [CLIMATE] });
    const response = await fetch(url, { headers: bearer(await tokenWith([SENTIMENT])) });
    const { challenge } = await expectRefusal(response, 403, "insufficient_scope");
    expect(challenge).toContain(`scope="${SENTIMENT} ${CLIMATE}"`);
  });

  it("never adds offline_access to a 403 challenge, even when the token holds it (RS-6)", async () => {
    const { url } = await serveProtected({ requiredScopes: [CLIMATE] });
    const response = await fetch(url, {
      headers: bearer(await tokenWith([SENTIMENT, "offline_access"])),
    });
    const { challenge } = await expectRefusal(response, 403, "insufficient_scope");
    expect(challenge).toContain(`scope="${SENTIMENT} ${CLIMATE}"`);
  });

  it("lets a valid token with the scopes through, with its claims visible to the handler", async () => {
    const { url, onDecision } = await serveProtected();
    const response = await fetch(url, { headers: bearer(await tokenWith([SENTIMENT, CLIMATE])) });
    expect(response.status).toBe(200);
    const { claims } = (await response.json()) as { claims: Record<string, unknown> };
    expect(claims).toMatchObject({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: "user-1",
      client_id: "client-1",
      scope: `${SENTIMENT} ${CLIMATE}`,
    });
    expect(onlyDecision(onDecision)).toMatchObject({
      outcome: "allowed",
      claims: { sub: "user-1" },
    });
    expect(JSON.stringify(onDecision.mock.calls.map(([decision]) => decision))).not.toContain(
      "eyJ",
    );
  });

  it("grants mcp:operations:automation:digest to a token holding mcp:operations:automation:*", async () => {
    const { url } = await serveProtected({ requiredScopes: [DIGEST] });
    const response = await fetch(url, {
      headers: bearer(await tokenWith(["mcp:operations:automation:*"])),
    });
    expect(response.status).toBe(200);
  });

  it("does not let a wildcard grant scopes outside its prefix", async () => {
    const { url } = await serveProtected({ requiredScopes: [DIGEST] });
    const response = await fetch(url, { headers: bearer(await tokenWith(["mcp:tools:*"])) });
    await expectRefusal(response, 403, "insufficient_scope");
  });

  it("asks a function for the scopes each request needs (per MCP tool)", async () => {
    const toolScopes: Record<string, string> = { analyze: SENTIMENT, climate_risk: CLIMATE };
    const { url, onDecision } = await serveProtected({
      requiredScopes: async (c) => {
        if (c.req.method !== "POST") return [];
        const { params } = (await c.req.json()) as { params?: { name?: string } };
        const scope = toolScopes[params?.name ?? ""];
        return scope === undefined ? [] : [scope];
      },
    });
    const token = await tokenWith([SENTIMENT]);
    const call = (name: string) =>
      fetch(url, {
        method: "POST",
        headers: { ...bearer(token), "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name } }),
      });

    const allowed = await call("analyze");
    expect(allowed.status).toBe(200);
    // The handler still reads the body the scope function parsed.
    expect(((await allowed.json()) as { body: string }).body).toContain('"analyze"');

    const refused = await call("climate_risk");
    const { challenge } = await expectRefusal(refused, 403, "insufficient_scope");
    expect(challenge).toContain(`scope="${SENTIMENT} ${CLIMATE}"`);
    expect(onDecision.mock.calls.map(([decision]) => decision.requiredScopes)).toEqual([
      [SENTIMENT],
      [CLIMATE],
    ]);

    const unauthenticated = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ method: "tools/call", params: { name: "climate_risk" } }),
    });
    expect(unauthenticated.headers.get("www-authenticate")).toBe(
      `Bearer resource_metadata="${RESOURCE_METADATA_URL}", scope="${CLIMATE}"`,
    );
  });
});

describe("requireBearer: every method, every request", () => {
  it.each(["GET", "POST", "DELETE", "PUT", "PATCH"])(
    "protects %s: 401 without a token, 200 with one",
    async (method) => {
      const { url } = await serveProtected();
      expect((await fetch(url, { method })).status).toBe(401);
      const response = await fetch(url, { method, headers: bearer(await tokenWith([SENTIMENT])) });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ method });
    },
  );

  it("checks the token on every request: no session outlives a token (MCP RS-7)", async () => {
    const { url } = await serveProtected();
    expect((await fetch(url, { headers: bearer(await tokenWith([SENTIMENT])) })).status).toBe(200);
    expect((await fetch(url, { headers: { "mcp-session-id": "abc" } })).status).toBe(401);
  });
});

describe("requireBearer: configuration", () => {
  it("accepts a prebuilt verifier, sharing its cache", async () => {
    const verifier = createAccessTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, keys });
    const { url } = await serveProtected({ jwks: verifier });
    const headers = bearer(await tokenWith([SENTIMENT]));
    expect((await fetch(url, { headers })).status).toBe(200);
    expect((await fetch(url, { headers })).status).toBe(200);
    expect(verifier.cacheSize).toBe(1);
  });

  it("refuses a verifier built for another audience (it would accept another resource's tokens)", () => {
    const verifier = createAccessTokenVerifier({ issuer: ISSUER, audience: OTHER_AUDIENCE, keys });
    expect(() =>
      requireBearer({
        issuer: ISSUER,
        audience: AUDIENCE,
        jwks: verifier,
        resourceMetadataUrl: RESOURCE_METADATA_URL,
      }),
    ).toThrow(TypeError);
  });
});
