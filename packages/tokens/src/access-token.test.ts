// RFC 9068 §2 issuing and §4 validation, tested against the forgeries RFC 8725 §2 describes.

import {
  CompactSign,
  compactVerify,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importJWK,
  SignJWT,
} from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import {
  AUDIENCE,
  claimsAt,
  createTestKey,
  hmacWithPublicKey,
  ISSUER,
  NOW,
  NOW_SECONDS,
  OTHER_AUDIENCE,
  signWith,
  type TestKey,
  unsecuredToken,
  withPayload,
} from "../test/fixtures";
import {
  type AccessTokenKeySource,
  issueAccessToken,
  scopesOf,
  type VerifyAccessTokenOptions,
  verifyAccessToken,
} from "./access-token";
import { AccessTokenError, type AccessTokenErrorReason } from "./access-token-error";
import { createLocalKeySet } from "./jwks";
import { type KeyLifecycle, publishableKeys, toJwks } from "./keys";

let key: TestKey;
let otherKey: TestKey;
let keys: AccessTokenKeySource;
let options: VerifyAccessTokenOptions;

beforeAll(async () => {
  key = await createTestKey();
  otherKey = await createTestKey();
  keys = createLocalKeySet(toJwks([key]));
  options = { issuer: ISSUER, audience: AUDIENCE, keys, now: NOW };
});

async function rejection(token: string, overrides: Partial<VerifyAccessTokenOptions> = {}) {
  const error = await verifyAccessToken(token, { ...options, ...overrides }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AccessTokenError);
  const accessTokenError = error as AccessTokenError;
  // The description goes back to the client and into logs: it must never carry the token.
  for (const part of [token, ...token.split(".")]) {
    if (part.length >= 8) expect(accessTokenError.message).not.toContain(part);
  }
  return accessTokenError;
}

async function expectRejected(
  token: string,
  reason: AccessTokenErrorReason,
  overrides: Partial<VerifyAccessTokenOptions> = {},
) {
  expect((await rejection(token, overrides)).reason).toBe(reason);
}

describe("issueAccessToken", () => {
  it("signs an RFC 9068 token: header {alg ES256, typ at+jwt, kid}, every §2.2 claim", async () => {
    const { accessToken, claims, expiresIn } = await issueAccessToken({
      signingKey: key,
      issuer: ISSUER,
      audience: AUDIENCE,
      subject: "user-1",
      clientId: "client-1",
      scopes: ["mcp:tools:sentiment:read", "mcp:data:news:read"],
      lifetimeSeconds: 600,
      now: NOW,
    });
    expect(decodeProtectedHeader(accessToken)).toEqual({
      alg: "ES256",
      typ: "at+jwt",
      kid: key.kid,
    });
    expect(claims).toEqual({
      iss: ISSUER,
      sub: "user-1",
      aud: AUDIENCE,
      client_id: "client-1",
      scope: "mcp:tools:sentiment:read mcp:data:news:read",
      jti: expect.stringMatching(/^[A-Za-z0-9_-]{22,}$/),
      iat: NOW_SECONDS,
      exp: NOW_SECONDS + 600,
    });
    expect(expiresIn).toBe(600);
    await expect(verifyAccessToken(accessToken, options)).resolves.toEqual(claims);
  });

  it("signs in the compact JWS format jose verifies: base64url parts, a 64-byte P1363 signature by the published key only", async () => {
    const { accessToken } = await issueAccessToken({
      signingKey: key,
      issuer: ISSUER,
      audience: AUDIENCE,
      subject: "user-1",
      clientId: "client-1",
      scopes: ["mcp:tools:sentiment:read"],
      lifetimeSeconds: 600,
      now: NOW,
    });
    const [header, payload, signature] = accessToken.split(".");
    for (const part of [header, payload, signature]) expect(part).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(signature ?? "", "base64url")).toHaveLength(64);
    const published = await importJWK(key.publicJwk, "ES256");
    await expect(compactVerify(accessToken, published)).resolves.toBeDefined();
    const stranger = await importJWK(otherKey.publicJwk, "ES256");
    await expect(compactVerify(accessToken, stranger)).rejects.toThrow();
  });

  it("gives every token its own jti", async () => {
    const issue = () =>
      issueAccessToken({
        signingKey: key,
        issuer: ISSUER,
        audience: AUDIENCE,
        subject: "s",
        clientId: "c",
        scopes: [],
        lifetimeSeconds: 60,
      });
    const [first, second] = await Promise.all([issue(), issue()]);
    expect(first.claims.jti).not.toBe(second.claims.jti);
  });

  it("uses a given jti and an empty scope claim when no scopes were granted", async () => {
    const { claims } = await issueAccessToken({
      signingKey: key,
      issuer: ISSUER,
      audience: AUDIENCE,
      subject: "s",
      clientId: "c",
      scopes: [],
      lifetimeSeconds: 60,
      jti: "fixed",
    });
    expect(claims).toMatchObject({ jti: "fixed", scope: "" });
  });

  it("binds a token to a DPoP key with cnf.jkt (RFC 9449 §6.1), which verification keeps", async () => {
    const jkt = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I";
    // `base` is the minimal token below; the test runs after the whole block is defined.
    const { accessToken, claims } = await issueAccessToken({
      signingKey: key,
      ...base,
      cnf: { jkt },
    });
    expect(claims.cnf).toEqual({ jkt });
    const verified = await verifyAccessToken(accessToken, { ...options, now: new Date() });
    expect(verified.cnf).toEqual({ jkt });
  });

  const base = {
    issuer: ISSUER,
    audience: AUDIENCE,
    subject: "s",
    clientId: "c",
    scopes: ["mcp:tools:climate"],
    lifetimeSeconds: 60,
  };
  it.each([
    ["a scope with a space in it (it would split into two grants)", { scopes: ["a b"] }],
    ["a scope outside the grammar", { scopes: ['mcp:"quoted"'] }],
    ["a zero lifetime", { lifetimeSeconds: 0 }],
    ["a fractional lifetime", { lifetimeSeconds: 1.5 }],
    ["an empty audience", { audience: "" }],
    ["an empty subject", { subject: "" }],
    ["an empty jti", { jti: "" }],
    ["a cnf.jkt that is no SHA-256 thumbprint", { cnf: { jkt: "short" } }],
  ])("refuses to mint a token with %s", async (_, override) => {
    await expect(issueAccessToken({ signingKey: key, ...base, ...override })).rejects.toThrow(
      TypeError,
    );
  });
});

describe("verifyAccessToken accepts", () => {
  it("a valid token, returning exactly the RFC 9068 claims", async () => {
    const token = await signWith(key, claimsAt({ extra: "ignored" }));
    const claims = await verifyAccessToken(token, options);
    expect(claims).toEqual({
      iss: ISSUER,
      sub: "user-1",
      aud: AUDIENCE,
      client_id: "client-1",
      scope: "mcp:tools:sentiment:read",
      jti: "jti-1",
      iat: NOW_SECONDS - 60,
      exp: NOW_SECONDS + 540,
    });
  });

  it.each(["at+jwt", "application/at+jwt", "AT+JWT", "Application/AT+JWT"])(
    "typ %s (RFC 9068 §4, media types compare case-insensitively)",
    async (typ) => {
      const token = await signWith(key, claimsAt(), { typ, kid: key.kid });
      await expect(verifyAccessToken(token, options)).resolves.toMatchObject({ sub: "user-1" });
    },
  );

  it("an aud array that contains this resource (RFC 8707)", async () => {
    const token = await signWith(key, claimsAt({ aud: [OTHER_AUDIENCE, AUDIENCE] }));
    await expect(verifyAccessToken(token, options)).resolves.toMatchObject({
      aud: [OTHER_AUDIENCE, AUDIENCE],
    });
  });

  it("a token that expired within the clock tolerance", async () => {
    const token = await signWith(key, claimsAt({ exp: NOW_SECONDS - 4 }));
    await expect(verifyAccessToken(token, options)).resolves.toBeDefined();
  });

  it("nbf and iat slightly in the future, within the clock tolerance", async () => {
    const token = await signWith(key, claimsAt({ nbf: NOW_SECONDS + 5, iat: NOW_SECONDS + 5 }));
    await expect(verifyAccessToken(token, options)).resolves.toBeDefined();
  });

  it("an empty scope claim, as a token that grants no scopes", async () => {
    const claims = await verifyAccessToken(await signWith(key, claimsAt({ scope: "" })), options);
    expect(scopesOf(claims)).toEqual([]);
  });
});

describe("verifyAccessToken with another authorization server's RS256 keys", () => {
  it("accepts an RS256 token from a JWKS holding an RSA key, as Keycloak, Auth0 or Entra ID sign them", async () => {
    const rsa = await generateKeyPair("RS256", { extractable: true });
    const jwk = { ...(await exportJWK(rsa.publicKey)), kid: "rsa-1", alg: "RS256", use: "sig" };
    const token = await new SignJWT(claimsAt())
      .setProtectedHeader({ alg: "RS256", typ: "at+jwt", kid: "rsa-1" })
      .sign(rsa.privateKey);
    const rsaKeys = createLocalKeySet({ keys: [jwk] });
    const claims = await verifyAccessToken(token, { ...options, keys: rsaKeys });
    expect(claims.sub).toBe(claimsAt().sub);
  });

  it("rejects an RS256 header naming an EC key's kid: the key set has no RSA key of that name", async () => {
    const rsa = await generateKeyPair("RS256");
    const token = await new SignJWT(claimsAt())
      .setProtectedHeader({ alg: "RS256", typ: "at+jwt", kid: key.kid })
      .sign(rsa.privateKey);
    await expectRejected(token, "unknown_key");
  });

  it("rejects PS256 and ES384, which this resource server is not configured for", async () => {
    for (const alg of ["PS256", "ES384"]) {
      const pair = await generateKeyPair(alg);
      const token = await new SignJWT(claimsAt())
        .setProtectedHeader({ alg, typ: "at+jwt", kid: key.kid })
        .sign(pair.privateKey);
      await expectRejected(token, "unsupported_algorithm");
    }
  });
});

describe("verifyAccessToken rejects forged tokens", () => {
  it("rejects a token bound by a confirmation this resource cannot check (an mTLS x5t#S256), instead of taking it as a bearer token", async () => {
    const token = await signWith(
      key,
      claimsAt({ cnf: { "x5t#S256": "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2" } }),
    );
    await expectRejected(token, "invalid_claims");
  });

  it("keeps a DPoP key binding (cnf.jkt) in the verified claims", async () => {
    const jkt = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I";
    const claims = await verifyAccessToken(
      await signWith(key, claimsAt({ cnf: { jkt } })),
      options,
    );
    expect(claims.cnf).toEqual({ jkt });
  });

  it('rejects an unsecured JWT (alg "none")', async () => {
    await expectRejected(unsecuredToken(claimsAt(), key.kid), "unsupported_algorithm");
  });

  it("rejects HS256 keyed with the public key (algorithm confusion)", async () => {
    await expectRejected(
      await hmacWithPublicKey(key.publicJwk, claimsAt()),
      "unsupported_algorithm",
    );
  });

  it("rejects a token whose kid is not in the JWKS", async () => {
    await expectRejected(await signWith(otherKey, claimsAt()), "unknown_key");
  });

  it("rejects a token that names a trusted kid but was signed with another key", async () => {
    const token = await signWith(otherKey, claimsAt(), { typ: "at+jwt", kid: key.kid });
    await expectRejected(token, "invalid_signature");
  });

  it("rejects a token without a kid, which could not pick its key once two are published", async () => {
    await expectRejected(await signWith(key, claimsAt(), { typ: "at+jwt" }), "unknown_key");
  });

  it("rejects a tampered payload (scope widened, signature kept)", async () => {
    const token = await signWith(key, claimsAt());
    const widened = withPayload(
      token,
      claimsAt({ scope: "mcp:tools:sentiment:read admin:clients" }),
    );
    await expectRejected(widened, "invalid_signature");
  });

  it("rejects a tampered payload (subject swapped, signature kept)", async () => {
    const token = await signWith(key, claimsAt());
    await expectRejected(withPayload(token, claimsAt({ sub: "admin" })), "invalid_signature");
  });

  it.each([
    ["an empty string", ""],
    ["two segments", "a.b"],
    ["garbage segments", "not.a.jwt"],
    ["a JWE-shaped five-segment token", "a.b.c.d.e"],
  ])("rejects %s as malformed", async (_, token) => {
    await expectRejected(token, "malformed");
  });

  it("rejects a header with an unknown critical extension", async () => {
    const token = await new CompactSign(new TextEncoder().encode(JSON.stringify(claimsAt())))
      .setProtectedHeader({
        alg: "ES256",
        typ: "at+jwt",
        kid: key.kid,
        crit: ["urn:example:unknown"],
        "urn:example:unknown": true,
      })
      .sign(key.privateKey, { crit: { "urn:example:unknown": true } });
    await expectRejected(token, "malformed");
  });
});

describe("verifyAccessToken rejects tokens meant for someone else", () => {
  it("rejects a token for another resource (wrong aud): no replay across MCP servers", async () => {
    await expectRejected(await signWith(key, claimsAt({ aud: OTHER_AUDIENCE })), "wrong_audience");
  });

  it("rejects an aud array that does not contain this resource", async () => {
    const token = await signWith(key, claimsAt({ aud: [OTHER_AUDIENCE, `${AUDIENCE}/`] }));
    await expectRejected(token, "wrong_audience");
  });

  it("rejects a token from another issuer signed with a trusted key", async () => {
    await expectRejected(
      await signWith(key, claimsAt({ iss: "http://localhost:4000/" })),
      "wrong_issuer",
    );
  });

  it.each([
    ["JWT", { typ: "JWT" }],
    ["missing", {}],
    ["a refresh-token-like type", { typ: "rt+jwt" }],
  ])(
    "rejects typ %s: an ID token or other JWT from the same key is not an access token",
    async (_, header) => {
      const token = await signWith(key, claimsAt(), { ...header, kid: key.kid });
      await expectRejected(token, "wrong_type");
    },
  );
});

describe("verifyAccessToken enforces lifetimes", () => {
  it("rejects an expired token beyond the clock tolerance", async () => {
    await expectRejected(await signWith(key, claimsAt({ exp: NOW_SECONDS - 5 })), "expired");
  });

  it("honours a custom clock tolerance", async () => {
    const token = await signWith(key, claimsAt({ exp: NOW_SECONDS - 30 }));
    await expect(
      verifyAccessToken(token, { ...options, clockToleranceSeconds: 60 }),
    ).resolves.toBeDefined();
    await expectRejected(token, "expired", { clockToleranceSeconds: 0 });
  });

  it("rejects a token whose nbf is in the future", async () => {
    await expectRejected(await signWith(key, claimsAt({ nbf: NOW_SECONDS + 60 })), "not_yet_valid");
  });

  it("rejects a token issued in the future (skewed or forged clock)", async () => {
    const token = await signWith(key, claimsAt({ iat: NOW_SECONDS + 60, exp: NOW_SECONDS + 660 }));
    await expectRejected(token, "not_yet_valid");
  });

  it("checks against the system clock when no now is given", async () => {
    const issuedAt = Math.floor(Date.now() / 1000);
    const token = await signWith(key, claimsAt({ iat: issuedAt, exp: issuedAt + 600 }));
    await expect(verifyAccessToken(token, { ...options, now: undefined })).resolves.toBeDefined();
    await expectRejected(token, "expired");
  });
});

describe("verifyAccessToken requires the RFC 9068 §2.2 claims", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["no jti", { jti: undefined }, "jti"],
    ["no client_id", { client_id: undefined }, "client_id"],
    ["no sub", { sub: undefined }, "sub"],
    ["no exp", { exp: undefined }, "exp"],
    ["no iat", { iat: undefined }, "iat"],
    ["no scope", { scope: undefined }, "scope"],
    ["a scope that is not a string", { scope: ["mcp:tools:climate"] }, "scope"],
    ["a scope that does not parse", { scope: "mcp:tools:climate  mcp:data:news:read" }, "scope"],
    ["an empty client_id", { client_id: "" }, "client_id"],
    ["a numeric sub", { sub: 42 }, "sub"],
    ["a jti that is not a string", { jti: 7 }, "jti"],
    ["an exp that is not a number", { exp: "2030-01-01" }, "exp"],
    ["an iat that is not a number", { iat: "yesterday" }, "iat"],
    ["an aud array with a non-string member", { aud: [AUDIENCE, 1] }, "aud"],
  ];
  it.each(cases)("rejects a token with %s", async (_, overrides, claim) => {
    const error = await rejection(await signWith(key, claimsAt(overrides)));
    expect(error.reason).toBe("invalid_claims");
    expect(error.message).toContain(claim);
  });

  it("rejects a correctly signed payload that is not a JSON object", async () => {
    const token = await new CompactSign(new TextEncoder().encode("[1]"))
      .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: key.kid })
      .sign(key.privateKey);
    await expectRejected(token, "malformed");
  });
});

describe("key rotation", () => {
  it("accepts a token signed by a retired key still in the JWKS, and rejects it once the key is dropped", async () => {
    const retired = await createTestKey();
    const current = await createTestKey();
    const retiredAt = new Date(NOW.getTime() - 60_000);
    const lifecycle: KeyLifecycle[] = [
      { ...retired, createdAt: new Date(NOW.getTime() - 86_400_000), retiredAt },
      { ...current, createdAt: retiredAt, retiredAt: null },
    ];
    const policy = { maxTokenLifetimeSeconds: 600, clockToleranceSeconds: 5 };
    // Signed just before retirement, so still alive at NOW.
    const token = await signWith(
      retired,
      claimsAt({ iat: NOW_SECONDS - 61, exp: NOW_SECONDS - 61 + 600 }),
    );

    const duringOverlap = createLocalKeySet(
      toJwks(publishableKeys(lifecycle, { ...policy, now: NOW })),
    );
    await expect(
      verifyAccessToken(token, { ...options, keys: duringOverlap }),
    ).resolves.toMatchObject({ sub: "user-1" });

    const later = new Date(NOW.getTime() + 600_000);
    const afterOverlap = createLocalKeySet(
      toJwks(publishableKeys(lifecycle, { ...policy, now: later })),
    );
    await expectRejected(token, "unknown_key", { keys: afterOverlap });
  });
});

describe("key source failures", () => {
  it("reports a failing key source as key_source_unavailable, not as a bad token", async () => {
    const token = await signWith(key, claimsAt());
    const broken: AccessTokenKeySource = async () => {
      throw new TypeError("fetch failed");
    };
    await expectRejected(token, "key_source_unavailable", { keys: broken });
  });
});

describe("scopesOf", () => {
  it("lists the granted scopes", async () => {
    const claims = await verifyAccessToken(
      await signWith(key, claimsAt({ scope: "mcp:tools:climate mcp:operations:automation:*" })),
      options,
    );
    expect(scopesOf(claims)).toEqual(["mcp:tools:climate", "mcp:operations:automation:*"]);
  });

  it("grants nothing for an unparseable scope claim (fail closed)", () => {
    const claims = claimsAt({ scope: " bad  scope " }) as unknown as Parameters<typeof scopesOf>[0];
    expect(scopesOf(claims)).toEqual([]);
  });
});

describe("AccessTokenError", () => {
  it("is an Error with a reason and a client-safe message", () => {
    const error = new AccessTokenError("expired");
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("AccessTokenError");
    expect(error.message).toBe("access token expired");
    expect(error.message).toMatch(/^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/);
  });
});
