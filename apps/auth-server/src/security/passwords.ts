// User passwords: a memory-hard KDF (scrypt, RFC 7914) with per-password salt and self-describing hashes.
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keyLength: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/** scrypt's cost parameters (RFC 7914 section 2): N the CPU/memory cost, r the block size, p the parallelization. */
export interface ScryptCost {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

// OWASP's scrypt settings (N=2^15, r=8, p=3): 32 MiB per guess, so offline guessing needs memory, not just cores.
export const OWASP_SCRYPT_COST: ScryptCost = Object.freeze({ N: 2 ** 15, r: 8, p: 3 });
const KEY_LENGTH = 32;

function maxmem(N: number, r: number): number {
  return 128 * N * r * 2;
}

/**
 * `scrypt$N$r$p$salt$hash`: the parameters travel with the hash so they can be raised later. Only
 * the test servers pass a lower `cost` (createAuthServer refuses one under NODE_ENV=production).
 */
export async function hashPassword(
  password: string,
  cost: ScryptCost = OWASP_SCRYPT_COST,
): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p } = cost;
  const hash = await scryptAsync(password.normalize("NFC"), salt, KEY_LENGTH, {
    N,
    r,
    p,
    maxmem: maxmem(N, r),
  });
  return ["scrypt", N, r, p, salt.toString("base64url"), hash.toString("base64url")].join("$");
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64url");
  const actual = await scryptAsync(
    password.normalize("NFC"),
    Buffer.from(salt, "base64url"),
    expected.length,
    {
      N: Number(n),
      r: Number(r),
      p: Number(p),
      maxmem: maxmem(Number(n), Number(r)),
    },
  );
  return timingSafeEqual(expected, actual);
}
