// RFC 9449 DPoP at /token: each grant binds its access token to the proof's key (cnf.jkt, RFC 7638),
// a public client's refresh tokens are bound to the key they were obtained with, clients registered
// with dpop_bound_access_tokens get nothing without a proof, and every refusal is named after the
// attack it stops.
import { base64url, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { admin } from "./support/admin";
import {
  type AuthorizedCode,
  authorize,
  introspect,
  obtainAuthorizationCode,
  pkcePair,
  redeemCode,
  refresh,
  registerPublicClient,
} from "./support/authorization";
import { confirmationOf, type DpopKey, dpopKey, tokenProof } from "./support/dpop";
import {
  json,
  MCP_RESOURCE,
  registerClient,
  requestClientCredentialsToken,
  startTestAuthServer,
  useTestAuthServer,
} from "./support/test-server";

let key: DpopKey;
let otherKey: DpopKey;
beforeAll(async () => {
  [key, otherKey] = await Promise.all([dpopKey(), dpopKey()]);
});

/** A refusal must be this error, with status 400 (RFC 9449 §5, RFC 6749 §5.2). */
async function expectRefused(response: Response, error: string): Promise<void> {
  const body = await json(response);
  expect({ status: response.status, error: body.error }).toEqual({ status: 400, error });
}

async function expectBoundTo(response: Response, jkt: string) {
  const body = await json(response);
  expect(response.status).toBe(200);
  expect(body.token_type).toBe("DPoP");
  expect(confirmationOf(body.access_token)).toEqual({ jkt });
  return body;
}

describe("DPoP at the token endpoint", () => {
  const server = useTestAuthServer();
  const proofHeader = async (signer: DpopKey = key) => ({
    DPoP: await tokenProof(server, signer),
  });

  describe("binds the access token of every grant to the proof's key", () => {
    it("client_credentials: token_type DPoP and cnf.jkt the key's RFC 7638 thumbprint", async () => {
      const response = await requestClientCredentialsToken(
        server,
        undefined,
        undefined,
        await proofHeader(),
      );
      await expectBoundTo(response, key.jkt);
    });

    it("client_credentials without a proof: a Bearer token without cnf, as before", async () => {
      const body = await json(requestClientCredentialsToken(server));
      expect(body.token_type).toBe("Bearer");
      expect(confirmationOf(body.access_token)).toBeUndefined();
    });

    it("authorization_code and refresh_token, and introspection reports the binding (§6.2)", async () => {
      const authorized = await obtainAuthorizationCode(server);
      const first = await expectBoundTo(
        await redeemCode(server, authorized, {}, await proofHeader()),
        key.jkt,
      );
      expect(await introspect(server, first.access_token)).toMatchObject({
        active: true,
        token_type: "DPoP",
        cnf: { jkt: key.jkt },
      });
      await expectBoundTo(
        await refresh(server, authorized.clientId, first.refresh_token, {}, await proofHeader()),
        key.jkt,
      );
    });
  });

  describe("a public client's refresh tokens are bound to its key (§5)", () => {
    async function boundGrant(): Promise<{ authorized: AuthorizedCode; refreshToken: string }> {
      const authorized = await obtainAuthorizationCode(server);
      const body = await json(redeemCode(server, authorized, {}, await proofHeader()));
      return { authorized, refreshToken: body.refresh_token };
    }

    it("refuses a stolen refresh token used without the key, and the client's own refresh still works (nothing rotated or revoked)", async () => {
      const { authorized, refreshToken } = await boundGrant();
      await expectRefused(
        await refresh(server, authorized.clientId, refreshToken),
        "invalid_grant",
      );
      await expectBoundTo(
        await refresh(server, authorized.clientId, refreshToken, {}, await proofHeader()),
        key.jkt,
      );
    });

    it("refuses a stolen refresh token used with the thief's own key, and the client's own refresh still works", async () => {
      const { authorized, refreshToken } = await boundGrant();
      await expectRefused(
        await refresh(server, authorized.clientId, refreshToken, {}, await proofHeader(otherKey)),
        "invalid_grant",
      );
      await expectBoundTo(
        await refresh(server, authorized.clientId, refreshToken, {}, await proofHeader()),
        key.jkt,
      );
    });

    it("refuses a stolen, already rotated refresh token without the key, without ending the family (no sign-out by whoever saw a bound token)", async () => {
      const { authorized, refreshToken } = await boundGrant();
      const next = await expectBoundTo(
        await refresh(server, authorized.clientId, refreshToken, {}, await proofHeader()),
        key.jkt,
      );
      await expectRefused(
        await refresh(server, authorized.clientId, refreshToken),
        "invalid_grant",
      );
      await expectBoundTo(
        await refresh(server, authorized.clientId, next.refresh_token, {}, await proofHeader()),
        key.jkt,
      );
    });

    it("binds a grant redeemed without a proof from its first refresh with one: the refresh token it hands out then needs the key (stolen refresh token of an upgraded client)", async () => {
      const authorized = await obtainAuthorizationCode(server);
      const bearer = await json(redeemCode(server, authorized));
      expect(bearer.token_type).toBe("Bearer");
      const bound = await expectBoundTo(
        await refresh(server, authorized.clientId, bearer.refresh_token, {}, await proofHeader()),
        key.jkt,
      );
      await expectRefused(
        await refresh(server, authorized.clientId, bound.refresh_token),
        "invalid_grant",
      );
    });
  });

  describe("a confidential client's refresh tokens are not bound (§5)", () => {
    async function confidentialGrant() {
      const registered = await json(
        registerClient(server, {
          redirect_uris: ["https://app.example.com/callback"],
          grant_types: ["authorization_code", "refresh_token"],
          token_endpoint_auth_method: "client_secret_post",
        }),
      );
      const client = { clientId: registered.client_id, redirectUri: registered.redirect_uris[0] };
      const secret = { client_secret: registered.client_secret as string };
      const authorized = await obtainAuthorizationCode(server, { client });
      const first = await expectBoundTo(
        await redeemCode(server, authorized, secret, await proofHeader()),
        key.jkt,
      );
      return { clientId: client.clientId, secret, refreshToken: first.refresh_token as string };
    }

    it("refreshes without a proof to a Bearer token, and with another key's proof to a token bound to that key", async () => {
      const { clientId, secret, refreshToken } = await confidentialGrant();
      const bearer = await json(refresh(server, clientId, refreshToken, secret));
      expect(bearer.token_type).toBe("Bearer");
      expect(confirmationOf(bearer.access_token)).toBeUndefined();
      await expectBoundTo(
        await refresh(server, clientId, bearer.refresh_token, secret, await proofHeader(otherKey)),
        otherKey.jkt,
      );
    });
  });

  describe("refuses proofs that fail RFC 9449 §4.3 with invalid_dpop_proof", () => {
    const withProof = async (proof: string | [string, string][]) =>
      requestClientCredentialsToken(
        server,
        undefined,
        undefined,
        typeof proof === "string" ? { DPoP: proof } : proof,
      );

    it("a replayed proof: the same proof presented at /token a second time", async () => {
      const captured = await tokenProof(server, key);
      expect((await withProof(captured)).status).toBe(200);
      await expectRefused(await withProof(captured), "invalid_dpop_proof");
    });

    it("a proof made for another URL (captured at another server's token endpoint)", async () => {
      const proof = await tokenProof(server, key, {
        claims: { htu: "https://as.example.com/token" },
      });
      await expectRefused(await withProof(proof), "invalid_dpop_proof");
    });

    it("a proof made for this server's other endpoint (/revoke)", async () => {
      const proof = await tokenProof(server, key, { claims: { htu: `${server.issuer}/revoke` } });
      await expectRefused(await withProof(proof), "invalid_dpop_proof");
    });

    it("a proof for the token endpoint's URL as a Host header would name it (the issuer decides, not Host)", async () => {
      const proof = await tokenProof(server, key, {
        claims: { htu: "http://attacker.example/token" },
      });
      await expectRefused(
        await withProof([
          ["DPoP", proof],
          ["X-Forwarded-Host", "attacker.example"],
        ]),
        "invalid_dpop_proof",
      );
    });

    it("a proof made for another method (a GET proof replayed on POST)", async () => {
      const proof = await tokenProof(server, key, { claims: { htm: "GET" } });
      await expectRefused(await withProof(proof), "invalid_dpop_proof");
    });

    it("an expired proof: older than the window a captured proof may be replayed in", async () => {
      const iat = Math.floor(Date.now() / 1000) - 120;
      await expectRefused(
        await withProof(await tokenProof(server, key, { claims: { iat } })),
        "invalid_dpop_proof",
      );
    });

    it("a proof from the future, pre-made to outlive the window", async () => {
      const iat = Math.floor(Date.now() / 1000) + 120;
      await expectRefused(
        await withProof(await tokenProof(server, key, { claims: { iat } })),
        "invalid_dpop_proof",
      );
    });

    it('a proof with alg "none" (an unsigned proof for any key)', async () => {
      const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
      const header = { alg: "none", typ: "dpop+jwt", jwk: key.publicJwk };
      const claims = {
        jti: crypto.randomUUID(),
        htm: "POST",
        htu: `${server.issuer}/token`,
        iat: Math.floor(Date.now() / 1000),
      };
      await expectRefused(
        await withProof(`${encode(header)}.${encode(claims)}.`),
        "invalid_dpop_proof",
      );
    });

    it("a proof signed with HS256 keyed with the public key (algorithm confusion)", async () => {
      const forged = await new SignJWT({
        jti: crypto.randomUUID(),
        htm: "POST",
        htu: `${server.issuer}/token`,
        iat: Math.floor(Date.now() / 1000),
      })
        .setProtectedHeader({ alg: "HS256", typ: "dpop+jwt", jwk: key.publicJwk })
        .sign(new TextEncoder().encode(JSON.stringify(key.publicJwk)));
      await expectRefused(await withProof(forged), "invalid_dpop_proof");
    });

    it("a proof whose header carries the private key", async () => {
      const leaky = await tokenProof(server, key, { header: { jwk: key.privateJwk } });
      await expectRefused(await withProof(leaky), "invalid_dpop_proof");
    });

    it("two DPoP headers (a second proof smuggled beside the first)", async () => {
      await expectRefused(
        await withProof([
          ["DPoP", await tokenProof(server, key)],
          ["DPoP", await tokenProof(server, otherKey)],
        ]),
        "invalid_dpop_proof",
      );
    });

    it("and a refused proof at the code exchange leaves the code unused", async () => {
      const authorized = await obtainAuthorizationCode(server);
      const stale = await tokenProof(server, key, { claims: { htm: "GET" } });
      await expectRefused(
        await redeemCode(server, authorized, {}, { DPoP: stale }),
        "invalid_dpop_proof",
      );
      await expectBoundTo(await redeemCode(server, authorized, {}, await proofHeader()), key.jkt);
    });
  });

  describe("dpop_jkt at /authorize binds the code to a key (§10)", () => {
    const boundCode = () => obtainAuthorizationCode(server, { extra: { dpop_jkt: key.jkt } });

    it("redeems the code with a proof of that key, the token and the grant bound to it", async () => {
      const authorized = await boundCode();
      const body = await expectBoundTo(
        await redeemCode(server, authorized, {}, await proofHeader()),
        key.jkt,
      );
      // The refresh tokens of the grant need the same key (§5), as for a code bound at /token.
      await expectRefused(
        await refresh(server, authorized.clientId, body.refresh_token),
        "invalid_grant",
      );
    });

    it("refuses a stolen code redeemed with the thief's own key, and the client can still redeem it", async () => {
      const authorized = await boundCode();
      await expectRefused(
        await redeemCode(server, authorized, {}, await proofHeader(otherKey)),
        "invalid_grant",
      );
      await expectBoundTo(await redeemCode(server, authorized, {}, await proofHeader()), key.jkt);
    });

    it("refuses a stolen code redeemed without a proof (as a bearer-token client would)", async () => {
      const authorized = await boundCode();
      await expectRefused(await redeemCode(server, authorized), "invalid_grant");
      await expectBoundTo(await redeemCode(server, authorized, {}, await proofHeader()), key.jkt);
    });

    it("leaves a code requested without dpop_jkt redeemable by any key, bound at /token", async () => {
      const authorized = await obtainAuthorizationCode(server);
      await expectBoundTo(
        await redeemCode(server, authorized, {}, await proofHeader(otherKey)),
        otherKey.jkt,
      );
    });

    it("refuses a malformed dpop_jkt at /authorize with invalid_request", async () => {
      const client = await registerPublicClient(server);
      const response = await authorize(server, {
        clientId: client.clientId,
        redirectUri: client.redirectUri,
        scope: "mcp:tools:sentiment:read",
        resource: MCP_RESOURCE,
        codeChallenge: pkcePair().codeChallenge,
        extra: { dpop_jkt: "not-a-thumbprint" },
      });
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get("location") ?? "");
      expect(location.searchParams.get("error")).toBe("invalid_request");
      expect(location.searchParams.get("error_description")).toMatch(/^dpop_jkt must be/);
    });
  });

  describe("a client registered with dpop_bound_access_tokens (§5.2)", () => {
    it("is registered so, and the registration response says so", async () => {
      const ordinary = await json(
        registerClient(server, {
          redirect_uris: ["http://127.0.0.1:53682/callback"],
          token_endpoint_auth_method: "none",
        }),
      );
      expect(ordinary.dpop_bound_access_tokens).toBe(false);
      const refused = await registerClient(server, {
        redirect_uris: ["http://127.0.0.1:53682/callback"],
        dpop_bound_access_tokens: "yes",
      });
      expect(refused.status).toBe(400);
    });

    it("gets no token without a proof (a stolen code redeemed by a client without DPoP)", async () => {
      const client = await registerPublicClient(server, { dpop_bound_access_tokens: true });
      const authorized = await obtainAuthorizationCode(server, { client });
      await expectRefused(await redeemCode(server, authorized), "invalid_dpop_proof");
      await expectBoundTo(await redeemCode(server, authorized, {}, await proofHeader()), key.jkt);
    });

    it("gets no client_credentials token without a proof when an administrator created it so", async () => {
      const created = await admin(
        server,
        "/clients",
        {
          body: {
            name: "DPoP batch",
            allowedScopes: ["mcp:tools:sentiment:read"],
            dpopBoundAccessTokens: true,
          },
        },
        201,
      );
      expect(created.client.dpopBoundAccessTokens).toBe(true);
      const credentials = {
        clientId: created.client.clientId as string,
        clientSecret: created.clientSecret as string,
      };
      await expectRefused(
        await requestClientCredentialsToken(server, undefined, credentials),
        "invalid_dpop_proof",
      );
      await expectBoundTo(
        await requestClientCredentialsToken(server, undefined, credentials, await proofHeader()),
        key.jkt,
      );
    });
  });
});

describe("DPOP_NONCE_REQUIRED=true (RFC 9449 §8)", () => {
  const server = useTestAuthServer({ DPOP_NONCE_REQUIRED: "true" });
  const withProof = async (claims: Record<string, unknown> = {}) =>
    requestClientCredentialsToken(server, undefined, undefined, {
      DPoP: await tokenProof(server, key, { claims }),
    });

  it("refuses a proof without the nonce (a proof made in advance) with use_dpop_nonce and the nonce to use; the retry with it is bound", async () => {
    const refused = await withProof();
    const nonce = refused.headers.get("DPoP-Nonce");
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await expectRefused(refused, "use_dpop_nonce");
    const accepted = await withProof({ nonce });
    expect(accepted.headers.get("DPoP-Nonce")).toBe(nonce);
    await expectBoundTo(accepted, key.jkt);
  });

  it("refuses a stale nonce (a proof kept from an earlier nonce window), with the current nonce", async () => {
    const old = (await withProof()).headers.get("DPoP-Nonce");
    server.advanceClock(11 * 60);
    const refused = await withProof({ nonce: old });
    const current = refused.headers.get("DPoP-Nonce");
    expect(current).not.toBe(old);
    await expectRefused(refused, "use_dpop_nonce");
    await expectBoundTo(await withProof({ nonce: current }), key.jkt);
  });

  it("refuses a nonce the server never issued (a guessed nonce)", async () => {
    await expectRefused(await withProof({ nonce: "a".repeat(43) }), "use_dpop_nonce");
  });

  it("sends DPoP-Nonce on every token response, even without a proof (Bearer tokens are still issued)", async () => {
    const response = await requestClientCredentialsToken(server);
    expect(response.headers.get("DPoP-Nonce")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await json(response)).token_type).toBe("Bearer");
  });

  it("accepts a nonce another replica issued: the replicas share KEY_ENCRYPTION_SECRET, not state", async () => {
    const first = await startTestAuthServer({ DPOP_NONCE_REQUIRED: "true" });
    const second = await startTestAuthServer(
      { DPOP_NONCE_REQUIRED: "true" },
      { issuer: first.issuer },
    );
    try {
      const nonce = (await requestClientCredentialsToken(first)).headers.get("DPoP-Nonce");
      const proof = await tokenProof(second, key, { claims: { nonce } });
      await expectBoundTo(
        await requestClientCredentialsToken(second, undefined, undefined, { DPoP: proof }),
        key.jkt,
      );
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});

describe("metadata", () => {
  const server = useTestAuthServer();
  it("advertises the proof algorithms /token accepts (dpop_signing_alg_values_supported)", async () => {
    const metadata = await json(fetch(server.url("/.well-known/oauth-authorization-server")));
    expect(metadata.dpop_signing_alg_values_supported).toEqual(["ES256", "RS256", "PS256"]);
  });
});
