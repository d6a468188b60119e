// An MCP-style public client, written against the RFCs: registration, PKCE and the token endpoint.
import { createHash, randomBytes } from "node:crypto";

export interface Pkce {
  codeVerifier: string;
  codeChallenge: string;
}

/** RFC 7636 §4.1–4.2: a 43-character verifier from 32 random bytes, and its S256 challenge. */
export function createPkce(): Pkce {
  const codeVerifier = randomBytes(32).toString("base64url");
  const codeChallenge = createHash("sha256").update(codeVerifier).digest("base64url");
  return { codeVerifier, codeChallenge };
}

export function randomState(): string {
  return randomBytes(16).toString("base64url");
}

/** RFC 7591: a public client (no secret) for the authorization code flow. */
export async function registerPublicClient(
  issuer: string,
  metadata: { redirectUri: string; clientName: string },
): Promise<string> {
  const response = await fetch(`${issuer}/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      client_name: metadata.clientName,
      redirect_uris: [metadata.redirectUri],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    }),
  });
  const body = (await response.json()) as { client_id?: string };
  if (response.status !== 201 || !body.client_id) {
    throw new Error(`registration failed: ${response.status} ${JSON.stringify(body)}`);
  }
  return body.client_id;
}

export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  scope: string;
  resource: string;
  state: string;
  pkce: Pkce;
}

/** OAuth 2.1 §4.1.1 with the RFC 8707 `resource` parameter. */
export function authorizationUrl(issuer: string, request: AuthorizationRequest): string {
  const query = new URLSearchParams({
    response_type: "code",
    client_id: request.clientId,
    redirect_uri: request.redirectUri,
    code_challenge: request.pkce.codeChallenge,
    code_challenge_method: "S256",
    state: request.state,
    scope: request.scope,
    resource: request.resource,
  });
  return `${issuer}/authorize?${query}`;
}

export interface TokenResponse {
  status: number;
  body: Record<string, unknown>;
}

export async function requestToken(
  issuer: string,
  parameters: Record<string, string>,
): Promise<TokenResponse> {
  const response = await fetch(`${issuer}/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(parameters).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
