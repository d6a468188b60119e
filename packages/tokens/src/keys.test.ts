// RFC 7517/7638 signing keys and the JWKS rotation window, tested.

import { calculateJwkThumbprint, type JWK } from "jose";
import { describe, expect, it } from "vitest";
import {
  ACCESS_TOKEN_ALGORITHM,
  generateSigningKey,
  importSigningKey,
  type KeyLifecycle,
  publishableKeys,
  toJwks,
} from "./keys";

describe("generateSigningKey", () => {
  it("derives the kid from the public key (RFC 7638 SHA-256 thumbprint)", async () => {
    const { kid, publicJwk } = await generateSigningKey();
    expect(kid).toBe(await calculateJwkThumbprint(publicJwk, "sha256"));
    expect(kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("returns a public JWK pinned to ES256 signatures and without private members", async () => {
    const { kid, publicJwk } = await generateSigningKey();
    expect(Object.keys(publicJwk).sort()).toEqual(["alg", "crv", "kid", "kty", "use", "x", "y"]);
    expect(publicJwk).toMatchObject({ kty: "EC", crv: "P-256", kid, alg: "ES256", use: "sig" });
  });

  it("returns the private JWK with d, kid, alg and use, so it can be persisted and re-imported", async () => {
    const { kid, publicJwk, privateJwk } = await generateSigningKey();
    expect(privateJwk).toEqual({ ...publicJwk, d: expect.any(String) });
    const imported = await importSigningKey(privateJwk);
    expect(imported.kid).toBe(kid);
    expect(imported.publicJwk).toEqual(publicJwk);
  });

  it("never hands out the same kid twice", async () => {
    const kids = await Promise.all([1, 2, 3].map(async () => (await generateSigningKey()).kid));
    expect(new Set(kids).size).toBe(3);
  });
});

describe("importSigningKey", () => {
  it("imports a non-extractable ES256 private key", async () => {
    const { privateJwk } = await generateSigningKey();
    const key = await importSigningKey(privateJwk);
    expect(key.privateKey.type).toBe("private");
    expect(key.privateKey.extractable).toBe(false);
    expect(key.publicJwk).not.toHaveProperty("d");
    expect(ACCESS_TOKEN_ALGORITHM).toBe("ES256");
  });

  it("accepts a private JWK that does not state alg and use", async () => {
    const { privateJwk } = await generateSigningKey();
    const { alg: _alg, use: _use, ...bare } = privateJwk;
    await expect(importSigningKey(bare)).resolves.toMatchObject({ kid: privateJwk.kid });
  });

  const rejected: [string, (jwk: JWK) => JWK][] = [
    ["an RSA key", (jwk) => ({ ...jwk, kty: "RSA" })],
    ["a symmetric key", () => ({ kty: "oct", k: "c2VjcmV0", kid: "k" })],
    ["a P-384 key", (jwk) => ({ ...jwk, crv: "P-384" })],
    ["a public key (no d)", ({ d: _d, ...jwk }) => jwk],
    ["a key without a kid", ({ kid: _kid, ...jwk }) => jwk],
    ["a key with an empty kid", (jwk) => ({ ...jwk, kid: "" })],
    ["a key pinned to another algorithm", (jwk) => ({ ...jwk, alg: "ES384" })],
    ["a key meant for encryption", (jwk) => ({ ...jwk, use: "enc" })],
  ];
  it.each(rejected)("rejects %s", async (_, mutate) => {
    const { privateJwk } = await generateSigningKey();
    await expect(importSigningKey(mutate(privateJwk))).rejects.toThrow(TypeError);
  });

  it("rejects a private key whose public half belongs to another key (its JWKS entry would verify nothing)", async () => {
    const mine = await generateSigningKey();
    const other = await generateSigningKey();
    const mixed = { ...mine.privateJwk, x: other.publicJwk.x, y: other.publicJwk.y };
    await expect(importSigningKey(mixed)).rejects.toThrow();
  });
});

describe("publishableKeys", () => {
  const T = new Date("2030-01-01T00:00:00Z");
  const at = (seconds: number) => new Date(T.getTime() + seconds * 1000);
  const jwk = (kid: string): JWK => ({ kty: "EC", kid });
  const policy = { maxTokenLifetimeSeconds: 600, clockToleranceSeconds: 5 };

  // Key "a" signed until T; "b" took over at T; "c" was added later and is not retired.
  const a: KeyLifecycle = { kid: "a", publicJwk: jwk("a"), createdAt: at(-86_400), retiredAt: T };
  const b: KeyLifecycle = { kid: "b", publicJwk: jwk("b"), createdAt: T, retiredAt: null };
  const c: KeyLifecycle = { kid: "c", publicJwk: jwk("c"), createdAt: at(3600), retiredAt: null };

  const timeline: [string, KeyLifecycle[], Date, string[]][] = [
    ["a single current key", [{ ...a, retiredAt: null }], at(-10), ["a"]],
    ["at the rotation: the new key first, the retired one kept", [a, b], T, ["b", "a"]],
    ["a token the old key signed last may still be alive", [a, b], at(300), ["b", "a"]],
    ["one second before lifetime + tolerance has passed", [a, b], at(604), ["b", "a"]],
    ["once lifetime + tolerance has passed, the old key goes", [a, b], at(605), ["b"]],
    ["long after the rotation", [a, b], at(86_400), ["b"]],
    ["every unretired key is published, newest first", [b, c], at(7200), ["c", "b"]],
    [
      "a key retired before it ever signed is kept just as long",
      [{ ...c, retiredAt: at(3600) }, b],
      at(4000),
      ["c", "b"],
    ],
  ];
  it.each(timeline)("%s", (_, keys, now, expected) => {
    expect(publishableKeys(keys, { ...policy, now }).map((key) => key.kid)).toEqual(expected);
  });

  it("orders keys created at the same instant by kid, so the JWKS is stable", () => {
    const twins = [
      { ...b, kid: "y" },
      { ...b, kid: "x" },
    ];
    expect(publishableKeys(twins, { ...policy, now: T }).map((key) => key.kid)).toEqual(["x", "y"]);
  });

  it("does not reorder the caller's array", () => {
    const keys = [a, b];
    publishableKeys(keys, { ...policy, now: T });
    expect(keys).toEqual([a, b]);
  });
});

describe("toJwks", () => {
  it("never leaks d or any other private member, even when handed a private JWK", async () => {
    const { privateJwk } = await generateSigningKey();
    const leaky: JWK = {
      ...privateJwk,
      p: "p",
      q: "q",
      dp: "dp",
      dq: "dq",
      qi: "qi",
      k: "k",
      priv: "priv",
      ext: true,
      key_ops: ["sign"],
    };
    const jwks = toJwks([{ publicJwk: leaky }]);
    expect(jwks.keys).toHaveLength(1);
    expect(Object.keys(jwks.keys[0] ?? {}).sort()).toEqual([
      "alg",
      "crv",
      "kid",
      "kty",
      "use",
      "x",
      "y",
    ]);
    expect(JSON.stringify(jwks)).not.toContain(String(privateJwk.d));
  });

  it("publishes keys in the order given", async () => {
    const first = await generateSigningKey();
    const second = await generateSigningKey();
    expect(toJwks([first, second]).keys.map((key) => key.kid)).toEqual([first.kid, second.kid]);
  });
});
