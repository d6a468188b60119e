// REDIS_URL: the rate limits of several auth-server instances count in one Redis, keyed by the real
// client address behind TRUST_PROXY, and so do the DPoP proof ids /token has seen (RFC 9449 §11.1);
// an unreachable Redis refuses limited requests, and requests with a proof, with 503.
import { randomUUID } from "node:crypto";
import { createServer, type Server, Socket } from "node:net";
import { LimitUnavailableError } from "@repo/server-kit/limits-redis";
import { sharedServicesForTests } from "@repo/server-kit/testing/services";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLimitStores } from "../src/http/limit-stores";
import { LoginThrottle } from "../src/security/login-throttle";
import { type DpopKey, dpopKey, tokenProof } from "./support/dpop";
import {
  basicAuthorization,
  closedPort,
  DEMO_BATCH,
  form,
  json,
  MCP_RESOURCE,
  requestClientCredentialsToken,
  startTestAuthServer,
  type TestAuthServer,
} from "./support/test-server";

let key: DpopKey;
beforeAll(async () => {
  key = await dpopKey();
});

const REGISTRATION = {
  redirect_uris: ["http://localhost:8976/oauth/callback"],
  token_endpoint_auth_method: "none",
  grant_types: ["authorization_code", "refresh_token"],
  response_types: ["code"],
  client_name: "Example MCP CLI",
};

function register(server: TestAuthServer, forwardedFor?: string): Promise<Response> {
  return fetch(server.url("/register"), {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      ...(forwardedFor === undefined ? {} : { "X-Forwarded-For": forwardedFor }),
    },
    body: JSON.stringify(REGISTRATION),
  });
}

function badClientSecret(server: TestAuthServer): Promise<Response> {
  const request = form({ grant_type: "client_credentials", resource: MCP_RESOURCE });
  return fetch(server.url("/token"), {
    method: "POST",
    headers: {
      ...request.headers,
      Authorization: basicAuthorization(DEMO_BATCH.clientId, "not-the-secret"),
    },
    body: request.body,
  });
}

const started: TestAuthServer[] = [];
async function start(
  environment: Record<string, string>,
  limitKeyPrefix?: string,
  issuer?: string,
) {
  const server = await startTestAuthServer(environment, { limitKeyPrefix, issuer });
  started.push(server);
  return server;
}
afterAll(async () => {
  await Promise.all(started.map((server) => server.close()));
});

describe("without REDIS_URL", () => {
  it("counts in each instance's own memory", async () => {
    const environment = { REGISTRATION_RATE_LIMIT: "1" };
    const [first, second] = [await start(environment), await start(environment)];
    expect((await register(first)).status).toBe(201);
    expect((await register(second)).status).toBe(201);
    expect((await register(first)).status).toBe(429);
  });
});

describe("with REDIS_URL pointing at a closed port", () => {
  it("refuses a registration with 503 and Retry-After instead of letting it through unlimited (limit bypass by taking Redis down)", async () => {
    const server = await start({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
    const response = await register(server);
    expect(response.status).toBe(503);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await json(response)).toMatchObject({ error: "temporarily_unavailable" });
    expect(server.serverErrors).toEqual([]);
  });

  it("refuses client authentication with 503, even with the right secret (a guess loop cannot run unlimited)", async () => {
    const server = await start({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
    for (const response of [
      await badClientSecret(server),
      await fetch(server.url("/token"), {
        method: "POST",
        headers: {
          ...form({}).headers,
          Authorization: basicAuthorization(DEMO_BATCH.clientId, DEMO_BATCH.clientSecret),
        },
        body: form({ grant_type: "client_credentials", resource: MCP_RESOURCE }).body,
      }),
    ]) {
      expect(response.status).toBe(503);
      expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(await json(response)).toMatchObject({ error: "temporarily_unavailable" });
    }
    expect(server.serverErrors).toEqual([]);
  });

  it("refuses a token request with a DPoP proof with 503 and Retry-After, not 500", async () => {
    const server = await start({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
    const response = await requestClientCredentialsToken(server, undefined, undefined, {
      DPoP: await tokenProof(server, key),
    });
    expect(response.status).toBe(503);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await json(response)).toMatchObject({ error: "temporarily_unavailable" });
    expect(server.serverErrors).toEqual([]);
  });

  it("the DPoP replay cache refuses to answer rather than pass a proof it cannot check (replay by taking Redis down)", async () => {
    const stores = await openLimitStores({ redisUrl: `redis://127.0.0.1:${await closedPort()}` });
    try {
      await expect(
        stores.oneTimeKeys("dpop-proofs", "DPoP replay").firstUse("jkt:jti", 70),
      ).rejects.toThrow(LimitUnavailableError);
    } finally {
      await stores.close();
    }
  });

  it("refuses a login attempt rather than checking its password unthrottled", async () => {
    const stores = await openLimitStores({
      redisUrl: `redis://127.0.0.1:${await closedPort()}`,
    });
    try {
      const throttle = new LoginThrottle(
        { perEmail: 5, perAddress: 20, windowSeconds: 900 },
        stores,
      );
      await expect(throttle.attempt("a@example.com", "192.0.2.1")).rejects.toThrow(
        LimitUnavailableError,
      );
    } finally {
      await stores.close();
    }
  });
});

const services = await sharedServicesForTests("the auth-server's Redis rate-limit tests");
if (services) {
  const { redisUrl } = services;
  const redis = new Redis(redisUrl);
  afterAll(() => redis.quit());
  const freshPrefix = () => `test-${randomUUID()}:`;

  describe("two instances sharing one Redis", () => {
    it("share one registration limit: N split across them, the N+1th refused on either", async () => {
      const prefix = freshPrefix();
      const environment = { REDIS_URL: redisUrl, REGISTRATION_RATE_LIMIT: "4" };
      const first = await start(environment, prefix);
      const second = await start(environment, prefix);
      const statuses = [];
      for (const server of [first, second, first, second]) {
        statuses.push((await register(server)).status);
      }
      expect(statuses).toEqual([201, 201, 201, 201]);
      for (const server of [first, second]) {
        const refused = await register(server);
        expect(refused.status).toBe(429);
        expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      }
      // Keys are prefixed per server and per limit.
      expect(await redis.keys(`${prefix}*`)).toEqual([
        `${prefix}auth-server:registration:127.0.0.1`,
      ]);
    });

    it("share one failed-client-authentication limit", async () => {
      const prefix = freshPrefix();
      const environment = { REDIS_URL: redisUrl, FAILED_CLIENT_AUTH_LIMIT: "4" };
      const first = await start(environment, prefix);
      const second = await start(environment, prefix);
      const statuses = [];
      for (const server of [first, second, first, second, first, second]) {
        statuses.push((await badClientSecret(server)).status);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    });

    it("share one DPoP replay cache: a proof used at one is refused at the other (cross-replica replay)", async () => {
      const prefix = freshPrefix();
      const first = await start({ REDIS_URL: redisUrl }, prefix);
      const second = await start({ REDIS_URL: redisUrl }, prefix, first.issuer);
      const captured = await tokenProof(first, key);
      const used = await requestClientCredentialsToken(first, undefined, undefined, {
        DPoP: captured,
      });
      expect((await json(used)).token_type).toBe("DPoP");
      const replayed = await requestClientCredentialsToken(second, undefined, undefined, {
        DPoP: captured,
      });
      expect(replayed.status).toBe(400);
      expect((await json(replayed)).error).toBe("invalid_dpop_proof");
    });

    it("share one login throttle", async () => {
      const prefix = freshPrefix();
      const options = { perEmail: 2, perAddress: 100, windowSeconds: 60 };
      const [one, two] = await Promise.all([
        openLimitStores({ redisUrl, keyPrefix: prefix }),
        openLimitStores({ redisUrl, keyPrefix: prefix }),
      ]);
      try {
        const [first, second] = [new LoginThrottle(options, one), new LoginThrottle(options, two)];
        expect(await first.attempt("shared@example.com", "192.0.2.1")).toBe(0);
        expect(await second.attempt("shared@example.com", "192.0.2.1")).toBe(0);
        expect(await first.attempt("shared@example.com", "192.0.2.1")).toBeGreaterThan(0);
        expect(await second.attempt("shared@example.com", "192.0.2.1")).toBeGreaterThan(0);
      } finally {
        await Promise.all([one.close(), two.close()]);
      }
    });
  });

  describe("behind a reverse proxy", () => {
    it("keys the limit by the real client address with TRUST_PROXY: two clients behind one proxy get separate buckets", async () => {
      const server = await start(
        { REDIS_URL: redisUrl, REGISTRATION_RATE_LIMIT: "2", TRUST_PROXY: "1" },
        freshPrefix(),
      );
      expect((await register(server, "198.51.100.1")).status).toBe(201);
      expect((await register(server, "198.51.100.1")).status).toBe(201);
      expect((await register(server, "198.51.100.1")).status).toBe(429);
      // A spoofed leftmost entry does not buy a fresh bucket: the proxy appended the real address.
      expect((await register(server, "203.0.113.77, 198.51.100.1")).status).toBe(429);
      expect((await register(server, "198.51.100.2")).status).toBe(201);
    });

    it("without TRUST_PROXY, every client behind the proxy shares the proxy's bucket, whatever X-Forwarded-For says (spoofed X-Forwarded-For)", async () => {
      const server = await start(
        { REDIS_URL: redisUrl, REGISTRATION_RATE_LIMIT: "2" },
        freshPrefix(),
      );
      expect((await register(server, "198.51.100.1")).status).toBe(201);
      expect((await register(server, "198.51.100.2")).status).toBe(201);
      expect((await register(server, "198.51.100.3")).status).toBe(429);
    });
  });

  describe("a Redis that goes away and comes back", () => {
    /** A TCP relay to Redis that the test can cut and restore, as a network fault would. */
    async function relayTo(url: string) {
      const { hostname, port } = new URL(url);
      const sockets = new Set<Socket>();
      let relay: Server | undefined;
      const open = (listenPort: number) =>
        new Promise<number>((resolve) => {
          const server = createServer((client) => {
            const upstream = new Socket();
            upstream.connect(Number(port || 6379), hostname);
            for (const socket of [client, upstream]) {
              sockets.add(socket);
              socket.on("error", () => socket.destroy());
              socket.on("close", () => sockets.delete(socket));
            }
            client.pipe(upstream).pipe(client);
          });
          relay = server;
          server.listen(listenPort, "127.0.0.1", () =>
            resolve((server.address() as { port: number }).port),
          );
        });
      const relayPort = await open(0);
      return {
        url: `redis://127.0.0.1:${relayPort}`,
        cut: async () => {
          await new Promise<void>((resolve) => {
            relay?.close(() => resolve());
            for (const socket of sockets) socket.destroy();
          });
        },
        restore: () => open(relayPort),
      };
    }

    it("answers 503 while it is away and limits again once it returns (reconnection)", async () => {
      const relay = await relayTo(redisUrl);
      const server = await start(
        { REDIS_URL: relay.url, REGISTRATION_RATE_LIMIT: "3" },
        freshPrefix(),
      );
      expect((await register(server)).status).toBe(201);
      await relay.cut();
      expect((await register(server)).status).toBe(503);
      await relay.restore();
      let status = 503;
      for (let attempt = 0; attempt < 50 && status === 503; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        status = (await register(server)).status;
      }
      expect(status).toBe(201);
      expect((await register(server)).status).toBe(201);
      expect((await register(server)).status).toBe(429);
      await relay.cut();
    });
  });
}
