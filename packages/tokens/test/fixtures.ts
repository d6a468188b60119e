// Test fixtures: signing keys, and tokens forged the ways attackers forge them (RFC 8725 §2).

import type { AddressInfo } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import type { Hono } from "hono";
import { base64url, type JWK, type JWTPayload, SignJWT } from "jose";
import type { AccessTokenClaims } from "../src/access-token";
import { generateSigningKey, importSigningKey, type SigningKey } from "../src/keys";

export const ISSUER = "http://localhost:4000";
export const AUDIENCE = "http://localhost:4100/mcp";
export const OTHER_AUDIENCE = "http://localhost:4200/other";
export const RESOURCE_METADATA_URL =
  "http://localhost:4100/.well-known/oauth-protected-resource/mcp";

/** 2030-01-01T00:00:00Z: a fixed "now" so expiry tests do not depend on the wall clock. */
export const NOW = new Date("2030-01-01T00:00:00Z");
export const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);

export interface TestKey extends SigningKey {
  privateJwk: JWK;
}

export async function createTestKey(): Promise<TestKey> {
  const { privateJwk } = await generateSigningKey();
  return { ...(await importSigningKey(privateJwk)), privateJwk };
}

/** Claims of a token that is valid at NOW, with any member replaced or (as undefined) removed. */
export function claimsAt(overrides: Record<string, unknown> = {}): JWTPayload {
  const claims: Record<string, unknown> = {
    iss: ISSUER,
    sub: "user-1",
    aud: AUDIENCE,
    client_id: "client-1",
    scope: "mcp:tools:sentiment:read",
    jti: "jti-1",
    iat: NOW_SECONDS - 60,
    exp: NOW_SECONDS + 540,
    ...overrides,
  };
  for (const [name, value] of Object.entries(claims)) {
    if (value === undefined) delete claims[name];
  }
  return claims;
}

/** Signs any payload under any ES256 header: the building block of the forgery tests. */
export async function signWith(
  key: SigningKey,
  payload: JWTPayload,
  header: Record<string, unknown> = { typ: "at+jwt", kid: key.kid },
): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: "ES256", ...header }).sign(key.privateKey);
}

function encodeSegment(value: unknown): string {
  return base64url.encode(JSON.stringify(value));
}

/** RFC 7519 §6 unsecured JWT: alg "none" and an empty signature. */
export function unsecuredToken(payload: JWTPayload, kid: string): string {
  return `${encodeSegment({ alg: "none", typ: "at+jwt", kid })}.${encodeSegment(payload)}.`;
}

/**
 * Algorithm confusion: HS256 keyed with the bytes of the public JWK, which is what a verifier that
 * takes alg from the header and the key from the JWKS would check the MAC against.
 */
export async function hmacWithPublicKey(publicJwk: JWK, payload: JWTPayload): Promise<string> {
  const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
  return new SignJWT(payload)
    .setProtectedHeader({ alg: "HS256", typ: "at+jwt", kid: publicJwk.kid })
    .sign(secret);
}

/** Replaces the payload of a signed token and keeps its header and signature. */
export function withPayload(token: string, payload: JWTPayload | AccessTokenClaims): string {
  const [header, , signature] = token.split(".");
  return `${header}.${encodeSegment(payload)}.${signature}`;
}

/** Serves `app` on a free loopback port (added to `servers`, for the caller to close) and resolves with its /mcp URL. */
export function serveOnLoopback(app: Pick<Hono, "fetch">, servers: ServerType[]): Promise<string> {
  return new Promise((resolve) => {
    servers.push(
      serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) =>
        resolve(`http://127.0.0.1:${info.port}/mcp`),
      ),
    );
  });
}
