// RFC 7523 §2.2 client authentication with a JWT (`private_key_jwt`, OpenID Connect Core §9): the
// client signs an assertion with its private key, and §3 says what the assertion must claim.
import { createHash } from "node:crypto";
import {
  errors,
  importJWK,
  type JWK,
  type JWTHeaderParameters,
  type JWTPayload,
  jwtVerify,
} from "jose";
import type { ClientRecord } from "../store/clients";
import {
  algorithmsForKey,
  CLIENT_ASSERTION_ALGORITHMS,
  type ClientJwks,
  type ClientKeySetResolver,
  ClientKeysError,
} from "./client-keys";

/** RFC 7523 §2.2: the one `client_assertion_type` this server accepts. */
export const JWT_BEARER_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/**
 * The longest an assertion may be valid for, counted from its `iat` and from now: a short life bounds
 * how long its `jti` must be remembered and how long a stolen assertion is good for.
 */
export const MAX_CLIENT_ASSERTION_LIFETIME_SECONDS = 300;

/** A client assertion longer than this is refused unread (20 RSA-4096 signatures would not need it). */
export const MAX_CLIENT_ASSERTION_LENGTH = 8192;

/** "Seen this key before?" across every replica: Redis under REDIS_URL, this process's memory otherwise. */
export interface OneTimeKeys {
  firstUse(key: string, ttlSeconds: number): Promise<boolean>;
}

export interface ClientAssertionVerifier {
  /** The issuer identifier; §3 "aud" names it (or, for compatibility, the token endpoint URL). */
  issuer: string;
  clock: () => Date;
  clockToleranceSeconds: number;
  /** Where jwks_uri clients' keys come from; without it such clients cannot authenticate. */
  keySets?: ClientKeySetResolver;
  /** The `jti`s already used, until their assertion expires. */
  usedAssertions: OneTimeKeys;
}

/** Why the assertion was refused, for the audit log; the client only sees invalid_client. */
export class ClientAssertionError extends Error {
  override name = "ClientAssertionError";
}

/** The audiences an assertion may name: see docs/authorization-server.md "private_key_jwt". */
export function clientAssertionAudiences(issuer: string): string[] {
  return [issuer, `${issuer}/token`];
}

async function registeredKeys(
  verifier: ClientAssertionVerifier,
  client: ClientRecord,
  kid: string | undefined,
): Promise<ClientJwks> {
  if (client.jwks) return client.jwks;
  if (client.jwksUri && verifier.keySets) {
    try {
      return await verifier.keySets.keys(client.jwksUri, kid);
    } catch (error) {
      if (error instanceof ClientKeysError) throw new ClientAssertionError(error.message);
      throw error;
    }
  }
  throw new ClientAssertionError("the client has no registered keys");
}

/** The key the header names by `kid`, or the client's only key when it names none. */
async function verificationKey(
  verifier: ClientAssertionVerifier,
  client: ClientRecord,
  header: JWTHeaderParameters,
) {
  const { keys } = await registeredKeys(verifier, client, header.kid);
  const key =
    header.kid === undefined
      ? keys.length === 1
        ? keys[0]
        : undefined
      : keys.find((candidate) => candidate.kid === header.kid);
  if (!key) {
    throw new ClientAssertionError(
      header.kid === undefined
        ? "the assertion has no kid and the client has several keys"
        : "no registered key has the assertion's kid",
    );
  }
  if (!algorithmsForKey(key).includes(header.alg as never)) {
    throw new ClientAssertionError(`the key ${String(key.kid ?? "")} is not for ${header.alg}`);
  }
  return importJWK(key as JWK, header.alg);
}

function refusalReason(error: unknown): string {
  if (error instanceof ClientAssertionError) return error.message;
  if (error instanceof errors.JWTClaimValidationFailed) {
    return `claim ${error.claim} ${error.reason === "missing" ? "is missing" : "is not acceptable"}: ${error.message}`;
  }
  if (error instanceof errors.JWTExpired) return "the assertion has expired";
  if (error instanceof errors.JOSEAlgNotAllowed) return "the assertion's alg is not allowed";
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return "the signature does not verify";
  if (error instanceof errors.JOSEError) return `the assertion is not valid: ${error.code}`;
  throw error;
}

/**
 * Verifies `assertion` as `client`'s RFC 7523 client authentication: an allowed algorithm, a
 * signature by one of the client's keys, `iss` and `sub` both the client id, `aud` this server, an
 * `exp` in the next MAX_CLIENT_ASSERTION_LIFETIME_SECONDS, and a `jti` never used before (§3 items
 * 1–7). Throws ClientAssertionError with the reason; a replay store that does not answer throws
 * LimitUnavailableError (503) instead, since the assertion may be good.
 */
export async function verifyClientAssertion(
  verifier: ClientAssertionVerifier,
  client: ClientRecord,
  assertion: string,
): Promise<void> {
  const now = verifier.clock();
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(
      assertion,
      (header) => verificationKey(verifier, client, header),
      {
        algorithms: [...CLIENT_ASSERTION_ALGORITHMS],
        issuer: client.clientId,
        subject: client.clientId,
        audience: clientAssertionAudiences(verifier.issuer),
        requiredClaims: ["exp", "jti"],
        currentDate: now,
        clockTolerance: verifier.clockToleranceSeconds,
      },
    ));
  } catch (error) {
    throw new ClientAssertionError(refusalReason(error));
  }
  const { exp, iat, jti } = payload as { exp: number; iat?: number; jti: unknown };
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (exp - nowSeconds > MAX_CLIENT_ASSERTION_LIFETIME_SECONDS) {
    throw new ClientAssertionError(
      `the assertion expires more than ${MAX_CLIENT_ASSERTION_LIFETIME_SECONDS} seconds from now`,
    );
  }
  if (iat !== undefined && exp - iat > MAX_CLIENT_ASSERTION_LIFETIME_SECONDS) {
    throw new ClientAssertionError(
      `the assertion is valid for more than ${MAX_CLIENT_ASSERTION_LIFETIME_SECONDS} seconds`,
    );
  }
  if (typeof jti !== "string" || jti.length === 0 || jti.length > 256) {
    throw new ClientAssertionError("claim jti is not a string of 1 to 256 characters");
  }
  // §3 item 7: remembered until the assertion could no longer be accepted anyway.
  const key = createHash("sha256").update(client.clientId).update("\0").update(jti).digest("hex");
  const ttl = Math.max(1, exp - nowSeconds + verifier.clockToleranceSeconds);
  if (!(await verifier.usedAssertions.firstUse(key, ttl))) {
    throw new ClientAssertionError("the assertion's jti was used before (replay)");
  }
}
