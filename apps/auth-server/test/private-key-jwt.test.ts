// RFC 7523 §2.2 private_key_jwt client authentication at /token, /introspect and /revoke, with keys
// registered through the admin API (pasted or at a jwks_uri), and every refusal named after its attack.
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { closeLimitsRedis, openLimitsRedis, redisOneTimeKeys } from "@repo/server-kit/limits-redis";
import { sharedServicesForTests } from "@repo/server-kit/testing/services";
import { SignJWT, UnsecuredJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEVELOPMENT_JWT_CLIENT_PUBLIC_KEY } from "../src/config";
import { JWKS_REFETCH_INTERVAL_SECONDS } from "../src/oauth/client-keys";
import { DEMO_BATCH_JWT_CLIENT_ID, DEMO_BATCH_SCOPES, seedDemoData } from "../src/seed";
import { listAuditEvents } from "../src/store/audit";
import { findClient } from "../src/store/clients";
import { admin, callInternal } from "./support/admin";
import { WEB_CLIENT } from "./support/authorization";
import {
  type ClientKey,
  clientKey,
  createKeyClient,
  MACHINE_SCOPE,
  postWithAssertion,
  signAssertion,
} from "./support/private-key-jwt";
import {
  basicAuthorization,
  closedPort,
  DEMO_BATCH,
  DEPLOYMENT_JWT_CLIENT_PUBLIC_KEY,
  json,
  MCP_RESOURCE,
  startTestAuthServer,
  TEST_PASSWORD_HASH_COST,
  useTestAuthServer,
} from "./support/test-server";

const server = useTestAuthServer();

let key: ClientKey;
let otherKey: ClientKey;
const CLIENT = "pkjwt-job";
const OTHER_CLIENT = "pkjwt-other";

beforeAll(async () => {
  key = await clientKey("ES256");
  otherKey = await clientKey("ES256");
  await createKeyClient(server, CLIENT, { jwks: { keys: [key.publicJwk] } });
  await createKeyClient(server, OTHER_CLIENT, { jwks: { keys: [otherKey.publicJwk] } });
});

async function lastFailureReason(clientId: string): Promise<unknown> {
  const [row] = await server.instance.server.store.run((x) =>
    listAuditEvents(x, { event: "client.authentication_failed", clientId, limit: 1 }),
  );
  return row?.details?.reason;
}

/** The request must be refused as RFC 6749 §5.2 invalid_client, audited with `reason`. */
async function expectInvalidClient(response: Response, reason: RegExp, clientId = CLIENT) {
  expect(response.status).toBe(401);
  expect(await json(response)).toMatchObject({ error: "invalid_client" });
  expect(response.headers.get("www-authenticate")).toBeNull();
  expect(String(await lastFailureReason(clientId))).toMatch(reason);
}

describe("private_key_jwt at /token", () => {
  it("gives a client_credentials token to a client that signs with its registered key", async () => {
    const response = await postWithAssertion(server, await signAssertion(server, CLIENT, key));
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body).toMatchObject({ token_type: "Bearer", scope: MACHINE_SCOPE });
    const introspected = await json(
      fetch(server.url("/introspect"), {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Authorization: basicAuthorization(WEB_CLIENT.clientId, WEB_CLIENT.clientSecret),
        },
        body: new URLSearchParams({ token: body.access_token }).toString(),
      }),
    );
    expect(introspected).toMatchObject({ active: true, client_id: CLIENT, aud: MCP_RESOURCE });
  });

  it("accepts the token endpoint URL as the audience, and a client_id that matches the assertion", async () => {
    const assertion = await signAssertion(server, CLIENT, key, {
      claims: { aud: [`${server.issuer}/token`, "https://elsewhere.example"] },
    });
    const response = await postWithAssertion(server, assertion, {
      grant_type: "client_credentials",
      client_id: CLIENT,
    });
    expect(response.status).toBe(200);
  });

  it("accepts RS256, PS256 and EdDSA keys as well as ES256", async () => {
    for (const alg of ["RS256", "PS256", "EdDSA"]) {
      const signing = await clientKey(alg);
      const clientId = `pkjwt-${alg.toLowerCase()}`;
      await createKeyClient(server, clientId, { jwks: { keys: [signing.publicJwk] } });
      const response = await postWithAssertion(
        server,
        await signAssertion(server, clientId, signing),
      );
      expect(response.status, alg).toBe(200);
    }
  });

  it("accepts an assertion without kid when the client has one key only", async () => {
    const assertion = await signAssertion(server, CLIENT, { ...key, kid: undefined as never });
    expect((await postWithAssertion(server, assertion)).status).toBe(200);
  });

  it("refuses an assertion for another server (wrong audience)", async () => {
    const assertion = await signAssertion(server, CLIENT, key, {
      claims: { aud: "https://other-as.example" },
    });
    await expectInvalidClient(await postWithAssertion(server, assertion), /claim aud/);
  });

  it("refuses an assertion used a second time (replayed jti)", async () => {
    const assertion = await signAssertion(server, CLIENT, key);
    expect((await postWithAssertion(server, assertion)).status).toBe(200);
    await expectInvalidClient(await postWithAssertion(server, assertion), /replay/);
  });

  it("refuses an expired assertion", async () => {
    const assertion = await signAssertion(server, CLIENT, key, { lifetime: -120 });
    await expectInvalidClient(await postWithAssertion(server, assertion), /expired/);
  });

  it("refuses an assertion whose exp is far ahead (a long-lived stolen assertion)", async () => {
    const assertion = await signAssertion(server, CLIENT, key, {
      lifetime: 3600,
      claims: { iat: undefined },
    });
    await expectInvalidClient(await postWithAssertion(server, assertion), /more than 300 seconds/);
    const backdated = await signAssertion(server, CLIENT, key, {
      claims: { iat: Math.floor(Date.now() / 1000) - 3600 },
    });
    await expectInvalidClient(await postWithAssertion(server, backdated), /more than 300 seconds/);
  });

  it("refuses an assertion without jti (replay could not be detected) or without exp", async () => {
    for (const claim of ["jti", "exp"]) {
      const assertion = await signAssertion(server, CLIENT, key, {
        claims: { [claim]: undefined },
      });
      await expectInvalidClient(await postWithAssertion(server, assertion), /is missing/);
    }
  });

  it("refuses an assertion naming a kid the client never registered (unknown kid)", async () => {
    const stranger = await clientKey("ES256");
    await expectInvalidClient(
      await postWithAssertion(server, await signAssertion(server, CLIENT, stranger)),
      /kid/,
    );
  });

  it("refuses an unsigned assertion (alg none)", async () => {
    const now = Math.floor(Date.now() / 1000);
    const unsigned = new UnsecuredJWT({ jti: "none-1" })
      .setIssuer(CLIENT)
      .setSubject(CLIENT)
      .setAudience(server.issuer)
      .setExpirationTime(now + 60)
      .encode();
    await expectInvalidClient(await postWithAssertion(server, unsigned), /alg/);
  });

  it("refuses an assertion signed with HS256 and some secret (algorithm confusion)", async () => {
    const now = Math.floor(Date.now() / 1000);
    const forged = await new SignJWT({ jti: "hs-1" })
      .setProtectedHeader({ alg: "HS256", kid: key.kid })
      .setIssuer(CLIENT)
      .setSubject(CLIENT)
      .setAudience(server.issuer)
      .setExpirationTime(now + 60)
      .sign(new TextEncoder().encode(JSON.stringify(key.publicJwk)));
    await expectInvalidClient(await postWithAssertion(server, forged), /alg/);
  });

  it("refuses an assertion signed with a key belonging to another client", async () => {
    const assertion = await signAssertion(server, CLIENT, { ...otherKey, kid: key.kid });
    await expectInvalidClient(await postWithAssertion(server, assertion), /signature/);
    const ownKid = await signAssertion(server, CLIENT, otherKey);
    await expectInvalidClient(await postWithAssertion(server, ownKid), /kid/);
  });

  it("refuses an assertion whose iss is not its sub (one client speaking for another)", async () => {
    const assertion = await signAssertion(server, CLIENT, key, { claims: { iss: OTHER_CLIENT } });
    await expectInvalidClient(await postWithAssertion(server, assertion), /claim iss/);
  });

  it("refuses a client_id parameter naming another client than the assertion", async () => {
    const assertion = await signAssertion(server, CLIENT, key);
    const response = await postWithAssertion(server, assertion, {
      grant_type: "client_credentials",
      client_id: OTHER_CLIENT,
    });
    await expectInvalidClient(response, /client_id does not match/);
  });

  it("refuses an assertion from a client registered for a secret (method downgrade)", async () => {
    const assertion = await signAssertion(server, DEMO_BATCH.clientId, key);
    await expectInvalidClient(
      await postWithAssertion(server, assertion),
      /not registered for private_key_jwt/,
      DEMO_BATCH.clientId,
    );
  });

  it("refuses a secret for a private_key_jwt client, which has none", async () => {
    const response = await fetch(server.url("/token"), {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Authorization: basicAuthorization(CLIENT, ""),
      },
      body: "grant_type=client_credentials",
    });
    expect(response.status).toBe(401);
    expect((await json(response)).error).toBe("invalid_client");
  });

  it("refuses an assertion type other than jwt-bearer, and a malformed assertion", async () => {
    const assertion = await signAssertion(server, CLIENT, key);
    const saml = await postWithAssertion(server, assertion, {
      grant_type: "client_credentials",
      client_id: CLIENT,
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:saml2-bearer",
    });
    await expectInvalidClient(saml, /unsupported client_assertion_type/);
    await expectInvalidClient(
      await postWithAssertion(server, "not.a.jwt", {
        grant_type: "client_credentials",
        client_id: CLIENT,
      }),
      /malformed/,
    );
  });

  it("refuses an assertion together with a secret or a Basic header (two methods at once)", async () => {
    const assertion = await signAssertion(server, CLIENT, key);
    const withSecret = await postWithAssertion(server, assertion, {
      grant_type: "client_credentials",
      client_secret: "anything",
    });
    expect(withSecret.status).toBe(400);
    expect((await json(withSecret)).error).toBe("invalid_request");
    const withBasic = await postWithAssertion(server, assertion, undefined, {
      headers: { Authorization: basicAuthorization(CLIENT, "anything") },
    });
    expect(withBasic.status).toBe(400);
    expect((await json(withBasic)).error).toBe("invalid_request");
  });
});

describe("the seeded private_key_jwt client demo-batch-jwt", () => {
  it("is seeded with the development public key, no secret, and the batch job's scopes", async () => {
    const client = await server.instance.server.store.run((x) =>
      findClient(x, DEMO_BATCH_JWT_CLIENT_ID),
    );
    expect(client).toMatchObject({
      registrationType: "pre_registered",
      tokenEndpointAuthMethod: "private_key_jwt",
      clientSecretDigest: null,
      jwks: { keys: [DEVELOPMENT_JWT_CLIENT_PUBLIC_KEY] },
      grantTypes: ["client_credentials"],
      allowedScopes: DEMO_BATCH_SCOPES,
      introspectionAllowed: false,
    });
  });

  it("follows DEMO_BATCH_JWT_PUBLIC_KEY: the next start registers the new key, audited, and only a registered key signs in", async () => {
    const { store, config, clock } = server.instance.server;
    const replacement = await clientKey("ES256", "deployment-key");
    const seedWith = (publicKey: Record<string, unknown>) =>
      seedDemoData(
        store,
        { ...config, seed: { ...config.seed, demoBatchJwtPublicKey: publicKey } },
        clock(),
        TEST_PASSWORD_HASH_COST,
      );
    try {
      await seedWith({ ...replacement.publicJwk });
      const [changed] = await store.run((x) =>
        listAuditEvents(x, {
          event: "client.keys_changed",
          clientId: DEMO_BATCH_JWT_CLIENT_ID,
          limit: 1,
        }),
      );
      expect(changed?.details).toEqual({ reason: "DEMO_BATCH_JWT_PUBLIC_KEY changed" });
      const signed = await signAssertion(server, DEMO_BATCH_JWT_CLIENT_ID, replacement);
      expect((await postWithAssertion(server, signed)).status).toBe(200);
      // A key the seed never registered is refused, as for any private_key_jwt client.
      const stale = await signAssertion(server, DEMO_BATCH_JWT_CLIENT_ID, otherKey);
      await expectInvalidClient(
        await postWithAssertion(server, stale),
        /kid|signature/,
        DEMO_BATCH_JWT_CLIENT_ID,
      );
    } finally {
      await seedWith({ ...DEVELOPMENT_JWT_CLIENT_PUBLIC_KEY });
    }
  });

  it("refuses to start on a DEMO_BATCH_JWT_PUBLIC_KEY that is a private key (a private key in the database)", async () => {
    const { store, config, clock } = server.instance.server;
    const seeding = seedDemoData(
      store,
      { ...config, seed: { ...config.seed, demoBatchJwtPublicKey: { ...otherKey.privateJwk } } },
      clock(),
      TEST_PASSWORD_HASH_COST,
    );
    await expect(seeding).rejects.toThrow(/private or symmetric key/);
  });
});

describe("private_key_jwt at /introspect and /revoke", () => {
  it("authenticates a resource server at /introspect and a client at /revoke", async () => {
    const resourceKey = await clientKey("ES256");
    await createKeyClient(
      server,
      "pkjwt-resource",
      { jwks: { keys: [resourceKey.publicJwk] } },
      { introspectionAllowed: true },
    );
    const issued = await json(postWithAssertion(server, await signAssertion(server, CLIENT, key)));
    const introspected = await postWithAssertion(
      server,
      await signAssertion(server, "pkjwt-resource", resourceKey),
      { token: issued.access_token },
      { path: "/introspect" },
    );
    expect(introspected.status).toBe(200);
    expect(await json(introspected)).toMatchObject({ active: true, client_id: CLIENT });

    const revoked = await postWithAssertion(
      server,
      await signAssertion(server, CLIENT, key),
      { token: issued.access_token },
      { path: "/revoke" },
    );
    expect(revoked.status).toBe(200);
    const after = await postWithAssertion(
      server,
      await signAssertion(server, "pkjwt-resource", resourceKey),
      { token: issued.access_token },
      { path: "/introspect" },
    );
    expect(await json(after)).toEqual({ active: false });
  });

  it("refuses a replayed assertion at /introspect as well", async () => {
    const assertion = await signAssertion(server, CLIENT, key);
    expect((await postWithAssertion(server, assertion)).status).toBe(200);
    const replayed = await postWithAssertion(
      server,
      assertion,
      { token: "x" },
      { path: "/introspect" },
    );
    expect(replayed.status).toBe(401);
  });
});

describe("registering a private_key_jwt client in the admin API", () => {
  it("creates it without a secret, shows its keys, and refuses to rotate a secret it does not have", async () => {
    const created = await createKeyClient(server, "pkjwt-shown", {
      jwks: { keys: [key.publicJwk] },
    });
    expect(created.clientSecret).toBeUndefined();
    const list = await admin(server, "/clients?type=pre_registered&limit=100");
    expect(
      list.items.find((client: { clientId: string }) => client.clientId === "pkjwt-shown"),
    ).toMatchObject({ tokenEndpointAuthMethod: "private_key_jwt" });
    expect(created.client).toMatchObject({
      confidential: true,
      tokenEndpointAuthMethod: "private_key_jwt",
      jwks: { keys: [key.publicJwk] },
      jwksUri: null,
    });
    const rotated = await callInternal(server, "/admin/clients/pkjwt-shown/secret", {
      method: "POST",
    });
    expect(rotated.status).toBe(409);
  });

  async function refusedRegistration(keys: Record<string, unknown>, extra = {}) {
    const response = await callInternal(server, "/admin/clients", {
      body: {
        name: "refused",
        allowedScopes: [MACHINE_SCOPE],
        tokenEndpointAuthMethod: "private_key_jwt",
        ...keys,
        ...extra,
      },
    });
    expect(response.status).toBe(400);
    const body = await json(response);
    expect(body.error).toBe("invalid_request");
    return String(body.error_description);
  }

  it("refuses a private JWK pasted as the client's key (a private key in the database)", async () => {
    expect(await refusedRegistration({ jwks: { keys: [key.privateJwk] } })).toMatch(/private/);
  });

  it("refuses a symmetric key (kty oct) and a key not meant for signing", async () => {
    expect(
      await refusedRegistration({ jwks: { keys: [{ kty: "oct", k: "c2VjcmV0", kid: "s" }] } }),
    ).toMatch(/symmetric/);
    expect(
      await refusedRegistration({ jwks: { keys: [{ ...key.publicJwk, use: "enc" }] } }),
    ).toMatch(/use/);
    expect(
      await refusedRegistration({ jwks: { keys: [{ ...key.publicJwk, alg: "HS256" }] } }),
    ).toMatch(/not a signing key/);
  });

  it("refuses keys and a jwks_uri together, keys without private_key_jwt, and private_key_jwt without keys", async () => {
    await refusedRegistration({
      jwks: { keys: [key.publicJwk] },
      jwksUri: "https://client.example/jwks.json",
    });
    await refusedRegistration(
      { jwks: { keys: [key.publicJwk] } },
      {
        tokenEndpointAuthMethod: "client_secret_basic",
      },
    );
    await refusedRegistration({});
  });

  it("refuses a plain-http jwks_uri off loopback (keys readable and replaceable on the way)", async () => {
    expect(await refusedRegistration({ jwksUri: "http://client.example/jwks.json" })).toMatch(
      /https/,
    );
  });
});

/** A client's key publication on a loopback port: serves whatever `current` holds, counting fetches. */
function keyPublication() {
  const state = { current: { keys: [] as unknown[] }, fetches: 0, url: "" };
  let http: Server;
  beforeAll(async () => {
    http = createServer((_, response) => {
      state.fetches++;
      response.writeHead(200, { "Content-Type": "application/jwk-set+json" });
      response.end(JSON.stringify(state.current));
    });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    state.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => http.close(() => resolve())));
  return state;
}

describe("private_key_jwt with a jwks_uri", () => {
  const publication = keyPublication();

  it("fetches the client's keys, caches them, and picks up a rotated key", async () => {
    const first = await clientKey("ES256");
    publication.current = { keys: [first.publicJwk] };
    await createKeyClient(server, "pkjwt-remote", { jwksUri: publication.url });

    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await postWithAssertion(
        server,
        await signAssertion(server, "pkjwt-remote", first),
      );
      expect(response.status).toBe(200);
    }
    expect(publication.fetches).toBe(1);

    // The client rotates: a new key under a new kid, the old one withdrawn.
    const second = await clientKey("ES256");
    publication.current = { keys: [second.publicJwk] };
    // Within the refetch interval an unknown kid does not make the server fetch again.
    await expectInvalidClient(
      await postWithAssertion(server, await signAssertion(server, "pkjwt-remote", second)),
      /kid/,
      "pkjwt-remote",
    );
    expect(publication.fetches).toBe(1);

    server.advanceClock(JWKS_REFETCH_INTERVAL_SECONDS + 1);
    const rotated = await postWithAssertion(
      server,
      await signAssertion(server, "pkjwt-remote", second),
    );
    expect(rotated.status).toBe(200);
    expect(publication.fetches).toBe(2);
    await expectInvalidClient(
      await postWithAssertion(server, await signAssertion(server, "pkjwt-remote", first)),
      /kid/,
      "pkjwt-remote",
    );
    // One refetch at most per interval, however many unknown kids arrive.
    expect(publication.fetches).toBe(2);
  });

  it("refuses a published private key (the set is checked like a pasted one)", async () => {
    publication.current = { keys: [key.privateJwk] };
    const before = publication.fetches;
    // Another URL than the test before's, whose set is still cached.
    await createKeyClient(server, "pkjwt-remote-private", {
      jwksUri: `${publication.url}?private`,
    });
    await expectInvalidClient(
      await postWithAssertion(server, await signAssertion(server, "pkjwt-remote-private", key)),
      /private/,
      "pkjwt-remote-private",
    );
    expect(publication.fetches).toBe(before + 1);
  });
});

describe("a server that others reach", () => {
  const publication = keyPublication();

  it("refuses a jwks_uri on a private address, and never fetches one whose name resolves to loopback (SSRF)", async () => {
    // The issuer is the test's loopback port; one public URL is enough to make it a deployment.
    const webSecret = "w".repeat(48);
    const reachable = await startTestAuthServer({
      NODE_ENV: "development",
      MCP_RESOURCE: "https://mcp.example.com/mcp",
      KEY_ENCRYPTION_SECRET: "k".repeat(48),
      WEB_CLIENT_SECRET: webSecret,
      DEMO_BATCH_CLIENT_SECRET: "b".repeat(48),
      DEMO_BATCH_JWT_PUBLIC_KEY: DEPLOYMENT_JWT_CLIENT_PUBLIC_KEY,
      DEMO_USER_PASSWORD: "demo-password-for-this-test",
      ANALYST_USER_PASSWORD: "analyst-password-for-this-test",
    });
    try {
      const token = (
        await json(
          fetch(reachable.url("/token"), {
            method: "POST",
            headers: {
              "Content-Type": "application/x-www-form-urlencoded",
              Authorization: basicAuthorization("web", webSecret),
            },
            body: new URLSearchParams({
              grant_type: "client_credentials",
              resource: `${reachable.issuer}/internal`,
              scope: "admin:clients",
            }).toString(),
          }),
        )
      ).access_token as string;
      for (const jwksUri of [
        "https://169.254.169.254/latest/meta-data",
        "https://10.0.0.1/jwks.json",
        "https://[::1]/jwks.json",
        publication.url,
      ]) {
        const response = await callInternal(reachable, "/admin/clients", {
          token,
          body: {
            name: "ssrf",
            allowedScopes: [MACHINE_SCOPE],
            tokenEndpointAuthMethod: "private_key_jwt",
            jwksUri,
          },
        });
        expect(response.status, jwksUri).toBe(400);
      }

      // A host name is judged after DNS, at the fetch: localhost resolves to loopback.
      publication.current = { keys: [key.publicJwk] };
      const port = new URL(publication.url).port;
      await admin(
        reachable,
        "/clients",
        {
          token,
          body: {
            name: "ssrf",
            clientId: "pkjwt-ssrf",
            allowedScopes: [MACHINE_SCOPE],
            tokenEndpointAuthMethod: "private_key_jwt",
            jwksUri: `https://localhost:${port}/jwks.json`,
          },
        },
        201,
      );
      const before = publication.fetches;
      const response = await postWithAssertion(
        reachable,
        await signAssertion(reachable, "pkjwt-ssrf", key),
      );
      expect(response.status).toBe(401);
      expect((await json(response)).error).toBe("invalid_client");
      expect(publication.fetches).toBe(before);
    } finally {
      await reachable.close();
    }
  });
});

describe("metadata", () => {
  it("advertises private_key_jwt and its signing algorithms (RFC 8414 §2)", async () => {
    const metadata = await json(fetch(server.url("/.well-known/oauth-authorization-server")));
    for (const endpoint of ["token", "revocation", "introspection"]) {
      expect(metadata[`${endpoint}_endpoint_auth_methods_supported`]).toContain("private_key_jwt");
      expect(metadata[`${endpoint}_endpoint_auth_signing_alg_values_supported`]).toEqual([
        "ES256",
        "PS256",
        "RS256",
        "EdDSA",
      ]);
    }
  });
});

describe("a jti store that does not answer", () => {
  it("answers a good assertion 503 with Retry-After rather than skip the replay check (replay by taking Redis down)", async () => {
    const redis = openLimitsRedis(`redis://127.0.0.1:${await closedPort()}`, {
      server: "auth-server",
    });
    const verifier = server.instance.server.clientAssertions;
    const memory = verifier.usedAssertions;
    verifier.usedAssertions = redisOneTimeKeys(redis, {
      server: "auth-server",
      keyPrefix: "test:client-assertions:",
      what: "client assertion replay",
    });
    try {
      const response = await postWithAssertion(server, await signAssertion(server, CLIENT, key));
      expect(response.status).toBe(503);
      expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(await json(response)).toMatchObject({ error: "temporarily_unavailable" });
    } finally {
      verifier.usedAssertions = memory;
      await closeLimitsRedis(redis);
    }
  });
});

const services = await sharedServicesForTests("the auth-server's private_key_jwt replay tests");
if (services) {
  describe("two instances sharing one Redis", () => {
    it("refuse an assertion replayed at the other instance (one jti store for every replica)", async () => {
      const prefix = `test-${randomUUID()}:`;
      const environment = { REDIS_URL: services.redisUrl };
      const first = await startTestAuthServer(environment, { limitKeyPrefix: prefix });
      const second = await startTestAuthServer(environment, {
        limitKeyPrefix: prefix,
        issuer: first.issuer,
      });
      try {
        for (const instance of [first, second]) {
          await createKeyClient(instance, CLIENT, { jwks: { keys: [key.publicJwk] } });
        }
        const assertion = await signAssertion(first, CLIENT, key);
        expect((await postWithAssertion(first, assertion)).status).toBe(200);
        const replayed = await postWithAssertion(second, assertion);
        expect(replayed.status).toBe(401);
        expect((await json(replayed)).error).toBe("invalid_client");
        // A fresh assertion still passes at the second instance: only the used jti is refused.
        const fresh = await postWithAssertion(second, await signAssertion(second, CLIENT, key));
        expect(fresh.status).toBe(200);
      } finally {
        await Promise.all([first.close(), second.close()]);
      }
    });
  });
}
