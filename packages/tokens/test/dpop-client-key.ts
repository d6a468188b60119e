// A DPoP client's key pair as tests need it (RFC 9449 §4.2): the private key to sign proofs, the public
// JWK a proof carries, the private JWK a proof must never carry, and the RFC 7638 thumbprint a bound
// token's `cnf.jkt` names. Shared by this package's tests and the servers' (`@repo/tokens/testing`).
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from "jose";

export interface DpopClientKey {
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
  publicJwk: JWK;
  privateJwk: JWK;
  jkt: string;
}

export async function dpopClientKey(alg = "ES256"): Promise<DpopClientKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return {
    privateKey,
    publicJwk,
    privateJwk: await exportJWK(privateKey),
    jkt: await calculateJwkThumbprint(publicJwk, "sha256"),
  };
}
