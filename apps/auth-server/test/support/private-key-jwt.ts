// RFC 7523 private_key_jwt from the client's side: key pairs, signed assertions, token requests.
import { randomUUID } from "node:crypto";
import {
  type CryptoKey,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  SignJWT,
} from "jose";
import { admin } from "./admin";
import { form, MCP_RESOURCE, type TestAuthServer } from "./test-server";

export const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
export const MACHINE_SCOPE = "mcp:tools:sentiment:read";

export interface ClientKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  /** The public JWK, with kid and alg, as the client registers it. */
  publicJwk: JWK;
  /** The private JWK: what must never be accepted at registration. */
  privateJwk: JWK;
}

export async function clientKey(alg = "ES256", kid = `key-${randomUUID()}`): Promise<ClientKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return {
    kid,
    alg,
    privateKey,
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" },
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg },
  };
}

/** Creates a pre-registered private_key_jwt client through the admin API; returns the created body. */
export function createKeyClient(
  server: TestAuthServer,
  clientId: string,
  keys: { jwks: { keys: JWK[] } } | { jwksUri: string },
  extra: Record<string, unknown> = {},
) {
  return admin(
    server,
    "/clients",
    {
      body: {
        name: clientId,
        clientId,
        allowedScopes: [MACHINE_SCOPE],
        tokenEndpointAuthMethod: "private_key_jwt",
        ...keys,
        ...extra,
      },
    },
    201,
  );
}

export interface AssertionOptions {
  /** Claims to set or, with undefined, leave out. */
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
  /** Seconds from now (the server's clock) until exp. */
  lifetime?: number;
}

/** An RFC 7523 §3 assertion by `clientId`, for the server's issuer, signed with `key`. */
export async function signAssertion(
  server: TestAuthServer,
  clientId: string,
  key: Pick<ClientKey, "alg" | "kid" | "privateKey">,
  options: AssertionOptions = {},
): Promise<string> {
  const now = Math.floor(server.instance.server.clock().getTime() / 1000);
  const claims: JWTPayload = {
    iss: clientId,
    sub: clientId,
    aud: server.issuer,
    iat: now,
    exp: now + (options.lifetime ?? 60),
    jti: randomUUID(),
  };
  for (const [name, value] of Object.entries(options.claims ?? {})) {
    if (value === undefined) delete claims[name];
    else claims[name] = value;
  }
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, ...options.header } as never)
    .sign(key.privateKey);
}

/** POST `path` (default /token, client_credentials) authenticated with `assertion`. */
export function postWithAssertion(
  server: TestAuthServer,
  assertion: string,
  parameters: Record<string, string> = { grant_type: "client_credentials", resource: MCP_RESOURCE },
  options: { path?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const request = form({
    client_assertion_type: JWT_BEARER,
    client_assertion: assertion,
    ...parameters,
  });
  return fetch(server.url(options.path ?? "/token"), {
    method: "POST",
    headers: { ...request.headers, ...options.headers },
    body: request.body,
  });
}
