// RFC 7517 §5 JWK Sets as key sources, tested against a real JWKS endpoint on loopback.

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { JWK } from "jose";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  AUDIENCE,
  claimsAt,
  createTestKey,
  ISSUER,
  NOW,
  signWith,
  type TestKey,
} from "../test/fixtures";
import { verifyAccessToken } from "./access-token";
import { createLocalKeySet, createRemoteKeySet } from "./jwks";
import { toJwks } from "./keys";

let first: TestKey;
let second: TestKey;
const servers: Server[] = [];

beforeAll(async () => {
  [first, second] = await Promise.all([createTestKey(), createTestKey()]);
});

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(resolve);
        }),
    ),
  );
});

/** A JWKS endpoint on a loopback port that counts its requests. */
async function jwksServer(initial: { keys: JWK[] }, behaviour: "ok" | "error" | "hang" = "ok") {
  const state = { jwks: initial, fetches: 0 };
  const server = createServer((_, response) => {
    state.fetches += 1;
    if (behaviour === "hang") return;
    if (behaviour === "error") {
      response.writeHead(500).end();
      return;
    }
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(state.jwks));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { state, url: `http://127.0.0.1:${port}/.well-known/jwks.json` };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function verifyWith(keys: ReturnType<typeof createRemoteKeySet>, token: string) {
  return verifyAccessToken(token, { issuer: ISSUER, audience: AUDIENCE, keys, now: NOW });
}

describe("createRemoteKeySet", () => {
  it("fetches the JWKS once and then verifies locally", async () => {
    const { state, url } = await jwksServer(toJwks([first]));
    const keys = createRemoteKeySet(url);
    const token = await signWith(first, claimsAt());
    for (let i = 0; i < 5; i += 1) {
      await expect(verifyWith(keys, token)).resolves.toMatchObject({ sub: "user-1" });
    }
    expect(state.fetches).toBe(1);
  });

  it("does not refetch for made-up kids during the cooldown (no amplification against the AS)", async () => {
    const { state, url } = await jwksServer(toJwks([first]));
    const keys = createRemoteKeySet(url, { cooldownMs: 60_000 });
    await verifyWith(keys, await signWith(first, claimsAt()));
    for (let i = 0; i < 5; i += 1) {
      const forged = await signWith(first, claimsAt(), { typ: "at+jwt", kid: `made-up-${i}` });
      await expect(verifyWith(keys, forged)).rejects.toMatchObject({ reason: "unknown_key" });
    }
    expect(state.fetches).toBe(1);
  });

  it("picks up a rotated-in key on the first unknown kid after the cooldown", async () => {
    const { state, url } = await jwksServer(toJwks([first]));
    const keys = createRemoteKeySet(url, { cooldownMs: 300 });
    await verifyWith(keys, await signWith(first, claimsAt()));
    state.jwks = toJwks([second, first]);
    const rotated = await signWith(second, claimsAt());
    await expect(verifyWith(keys, rotated)).rejects.toMatchObject({ reason: "unknown_key" });
    await sleep(350);
    await expect(verifyWith(keys, rotated)).resolves.toMatchObject({ sub: "user-1" });
    expect(state.fetches).toBe(2);
  });

  it("reports an erroring JWKS endpoint as key_source_unavailable, not as a bad token", async () => {
    const { url } = await jwksServer(toJwks([first]), "error");
    const keys = createRemoteKeySet(url);
    await expect(verifyWith(keys, await signWith(first, claimsAt()))).rejects.toMatchObject({
      reason: "key_source_unavailable",
    });
  });

  it("gives up on a hanging JWKS endpoint after timeoutMs", async () => {
    const { url } = await jwksServer(toJwks([first]), "hang");
    const keys = createRemoteKeySet(new URL(url), { timeoutMs: 100 });
    const started = Date.now();
    await expect(verifyWith(keys, await signWith(first, claimsAt()))).rejects.toMatchObject({
      reason: "key_source_unavailable",
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe("createLocalKeySet", () => {
  it("verifies with a fixed JWKS", async () => {
    const keys = createLocalKeySet(toJwks([first, second]));
    await expect(verifyWith(keys, await signWith(second, claimsAt()))).resolves.toBeDefined();
  });

  it("keeps only the public half of a private JWK handed to it by mistake", async () => {
    const keys = createLocalKeySet({ keys: [first.privateJwk] });
    await expect(verifyWith(keys, await signWith(first, claimsAt()))).resolves.toBeDefined();
  });
});
