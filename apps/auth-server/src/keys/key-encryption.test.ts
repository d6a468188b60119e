import { generateSigningKey } from "@repo/tokens";
import { describe, expect, it } from "vitest";
import {
  decryptPrivateJwk,
  deriveKeyEncryptionKey,
  encryptPrivateJwk,
  KeyDecryptionError,
} from "./key-encryption";

const SECRET = "unit-test-key-encryption-secret-0123456789";

describe("private key encryption at rest", () => {
  it("round-trips a private JWK", async () => {
    const { kid, privateJwk } = await generateSigningKey();
    const key = deriveKeyEncryptionKey(SECRET);
    const jwe = await encryptPrivateJwk(privateJwk, kid, key);
    expect(jwe).not.toContain(String(privateJwk.d));
    expect(await decryptPrivateJwk(jwe, kid, key)).toEqual(privateJwk);
  });

  it("fails with another secret", async () => {
    const { kid, privateJwk } = await generateSigningKey();
    const jwe = await encryptPrivateJwk(privateJwk, kid, deriveKeyEncryptionKey(SECRET));
    await expect(
      decryptPrivateJwk(jwe, kid, deriveKeyEncryptionKey(`${SECRET}-other`)),
    ).rejects.toBeInstanceOf(KeyDecryptionError);
  });

  it("refuses a ciphertext moved onto another key's row (kid is authenticated)", async () => {
    const key = deriveKeyEncryptionKey(SECRET);
    const first = await generateSigningKey();
    const second = await generateSigningKey();
    const jwe = await encryptPrivateJwk(first.privateJwk, first.kid, key);
    await expect(decryptPrivateJwk(jwe, second.kid, key)).rejects.toBeInstanceOf(
      KeyDecryptionError,
    );
  });
});
