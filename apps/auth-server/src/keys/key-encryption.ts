// Private signing keys at rest: a compact JWE (RFC 7516, "dir" + A256GCM) under a key derived from
// KEY_ENCRYPTION_SECRET, so a copied database file alone cannot mint tokens.
import { hkdfSync } from "node:crypto";
import { CompactEncrypt, compactDecrypt, type JWK } from "jose";

export interface KeyEncryptionKey {
  readonly bytes: Uint8Array;
}

/** HKDF-SHA256 (RFC 5869): the secret is high-entropy (≥ 32 chars enforced by config), so no slow KDF is needed. */
export function deriveKeyEncryptionKey(secret: string): KeyEncryptionKey {
  const derived = hkdfSync(
    "sha256",
    Buffer.from(secret, "utf8"),
    Buffer.from("mcp-oauth-reference/signing-keys", "utf8"),
    Buffer.from("A256GCM private JWK encryption", "utf8"),
    32,
  );
  return { bytes: new Uint8Array(derived) };
}

/**
 * The `kid` goes into the JWE protected header, which AES-GCM authenticates: a ciphertext moved onto
 * another key's row fails to decrypt instead of silently swapping keys.
 */
export async function encryptPrivateJwk(
  privateJwk: JWK,
  kid: string,
  key: KeyEncryptionKey,
): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(privateJwk)))
    .setProtectedHeader({ alg: "dir", enc: "A256GCM", kid, cty: "jwk+json" })
    .encrypt(key.bytes);
}

export class KeyDecryptionError extends Error {
  constructor(kid: string) {
    super(
      `Cannot decrypt signing key ${kid}: KEY_ENCRYPTION_SECRET differs from the one the key was stored with`,
    );
    this.name = "KeyDecryptionError";
  }
}

export async function decryptPrivateJwk(
  jwe: string,
  kid: string,
  key: KeyEncryptionKey,
): Promise<JWK> {
  try {
    const { plaintext, protectedHeader } = await compactDecrypt(jwe, key.bytes, {
      keyManagementAlgorithms: ["dir"],
      contentEncryptionAlgorithms: ["A256GCM"],
    });
    if (protectedHeader.kid !== kid) throw new KeyDecryptionError(kid);
    return JSON.parse(new TextDecoder().decode(plaintext)) as JWK;
  } catch {
    throw new KeyDecryptionError(kid);
  }
}
