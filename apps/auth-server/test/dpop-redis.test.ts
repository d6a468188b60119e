// RFC 9449 §11.1 across replicas: the proof ids /token has seen live in Redis under REDIS_URL, so a
// proof used at one replica is refused at every other; and a Redis that does not answer refuses the
// request with 503, never a pass and never a 500.
import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { LimitUnavailableError } from "@repo/server-kit/limits-redis";
import { sharedServicesForTests } from "@repo/server-kit/testing/services";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLimitStores } from "../src/http/limit-stores";
import { type DpopKey, dpopKey, tokenProof } from "./support/dpop";
import {
  json,
  requestClientCredentialsToken,
  startTestAuthServer,
  type TestAuthServer,
} from "./support/test-server";

let key: DpopKey;
beforeAll(async () => {
  key = await dpopKey();
});

const started: TestAuthServer[] = [];
async function start(
  environment: Record<string, string>,
  options: Parameters<typeof startTestAuthServer>[1] = {},
) {
  const server = await startTestAuthServer(environment, options);
  started.push(server);
  return server;
}
afterAll(async () => {
  await Promise.all(started.map((server) => server.close()));
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("with REDIS_URL pointing at a closed port", () => {
  it("the proof replay cache refuses to answer rather than pass a proof it cannot check (replay by taking Redis down)", async () => {
    const stores = await openLimitStores({ redisUrl: `redis://127.0.0.1:${await closedPort()}` });
    try {
      await expect(
        stores.oneTimeKeys("dpop-proofs", "DPoP replay").firstUse("jkt:jti", 70),
      ).rejects.toThrow(LimitUnavailableError);
    } finally {
      await stores.close();
    }
  });

  it("answers a token request with a proof 503 and Retry-After, not 500", async () => {
    const server = await start({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
    const response = await requestClientCredentialsToken(server, undefined, undefined, {
      DPoP: await tokenProof(server, key),
    });
    expect(response.status).toBe(503);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await json(response)).toMatchObject({ error: "temporarily_unavailable" });
    expect(server.serverErrors).toEqual([]);
  });
});

const services = await sharedServicesForTests("the auth-server's DPoP replay tests on Redis");
if (services) {
  describe("two replicas sharing one Redis", () => {
    it("refuse a proof replayed from one replica to the other (cross-replica replay)", async () => {
      const prefix = `test-${randomUUID()}:`;
      const first = await start({ REDIS_URL: services.redisUrl }, { limitKeyPrefix: prefix });
      const second = await start(
        { REDIS_URL: services.redisUrl },
        { limitKeyPrefix: prefix, issuer: first.issuer },
      );
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
  });
}
