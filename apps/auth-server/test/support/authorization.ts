// The user-in-the-loop flow, driven over HTTP as the web app and an MCP client would drive it:
// /authorize, then the internal API's login and consent, then the redirect back to the client.
import { createHash, randomBytes } from "node:crypto";
import { expect } from "vitest";
import { findUserById } from "../../src/store/users";
import {
  basicAuthorization,
  form,
  type JsonBody,
  json,
  MCP_RESOURCE,
  registerClient,
  type TestAuthServer,
} from "./test-server";

export const WEB_CLIENT = { clientId: "web", clientSecret: "web-client-secret" } as const;
export const DEMO_USER = { email: "demo@example.com", password: "demo-password" } as const;
export const ANALYST_USER = { email: "analyst@example.com", password: "analyst-password" } as const;
export const READ_SCOPES = "mcp:tools:sentiment:read mcp:data:news:read";

export function pkcePair(): { codeVerifier: string; codeChallenge: string } {
  const codeVerifier = randomBytes(32).toString("base64url");
  const codeChallenge = createHash("sha256").update(codeVerifier).digest("base64url");
  return { codeVerifier, codeChallenge };
}

/** The web app's view: a client-credentials token for the internal API. */
export async function internalApiToken(server: TestAuthServer, scope = "internal:interactions") {
  const request = form({
    grant_type: "client_credentials",
    resource: `${server.issuer}/internal`,
    scope,
  });
  const response = await fetch(server.url("/token"), {
    method: "POST",
    headers: {
      ...request.headers,
      Authorization: basicAuthorization(WEB_CLIENT.clientId, WEB_CLIENT.clientSecret),
    },
    body: request.body,
  });
  expect(response.status).toBe(200);
  return (await json(response)).access_token as string;
}

export async function internalApi(
  server: TestAuthServer,
  path: string,
  init: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const token = init.token ?? (await internalApiToken(server));
  return fetch(server.url(`/internal${path}`), {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: {
      ...init.headers,
      Authorization: `Bearer ${token}`,
      ...(init.body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

export async function logIn(
  server: TestAuthServer,
  user: { email: string; password: string } = DEMO_USER,
): Promise<string> {
  const body = await json(internalApi(server, "/login", { body: user }));
  expect(body.user?.id).toBeTypeOf("string");
  return body.user.id as string;
}

/**
 * The user id from one real login per server and user. A login costs a scrypt hash by design, and the
 * flow tests need the person's id, not another proof that login works (internal-login.test.ts has that).
 */
const signedIn = new WeakMap<object, Map<string, Promise<string>>>();
function signedInUserId(
  server: TestAuthServer,
  user: { email: string; password: string } = DEMO_USER,
): Promise<string> {
  const instance = server.instance;
  let users = signedIn.get(instance);
  if (!users) {
    users = new Map();
    signedIn.set(instance, users);
  }
  let userId = users.get(user.email);
  if (!userId) {
    userId = logIn(server, user);
    users.set(user.email, userId);
  }
  return userId;
}

/** A public client as an MCP client registers it (RFC 7591, loopback redirect, no secret). */
export async function registerPublicClient(
  server: TestAuthServer,
  metadata: Record<string, unknown> = {},
): Promise<{ clientId: string; redirectUri: string }> {
  const redirectUri = "http://127.0.0.1:53682/callback";
  const response = await registerClient(server, {
    client_name: "Test MCP client",
    redirect_uris: [redirectUri],
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: "none",
    ...metadata,
  });
  expect(response.status).toBe(201);
  const body = await json(response);
  return { clientId: body.client_id, redirectUri: body.redirect_uris[0] };
}

export interface AuthorizationParameters {
  clientId: string;
  redirectUri?: string;
  scope?: string;
  resource?: string;
  state?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  extra?: Record<string, string>;
}

/** GET /authorize without following the redirect. */
export function authorize(server: TestAuthServer, parameters: AuthorizationParameters) {
  const query = new URLSearchParams();
  query.set("response_type", "code");
  query.set("client_id", parameters.clientId);
  if (parameters.redirectUri !== undefined) query.set("redirect_uri", parameters.redirectUri);
  if (parameters.scope !== undefined) query.set("scope", parameters.scope);
  if (parameters.resource !== undefined) query.set("resource", parameters.resource);
  if (parameters.state !== undefined) query.set("state", parameters.state);
  if (parameters.codeChallenge !== undefined) query.set("code_challenge", parameters.codeChallenge);
  query.set("code_challenge_method", parameters.codeChallengeMethod ?? "S256");
  for (const [name, value] of Object.entries(parameters.extra ?? {})) query.set(name, value);
  return fetch(server.url(`/authorize?${query}`), { redirect: "manual" });
}

/** The interaction id from /authorize's redirect to the web app. */
export async function startInteraction(
  server: TestAuthServer,
  parameters: AuthorizationParameters,
): Promise<string> {
  const response = await authorize(server, parameters);
  expect(response.status).toBe(303);
  const location = new URL(response.headers.get("location") ?? "");
  expect(`${location.origin}${location.pathname}`).toBe("http://localhost:3000/consent");
  return location.searchParams.get("interaction") ?? "";
}

/** An interaction for a registered client: its redirect URI, the read scopes, the MCP resource. */
export function startClientInteraction(
  server: TestAuthServer,
  client: { clientId: string; redirectUri: string },
  overrides: Partial<AuthorizationParameters> = {},
): Promise<string> {
  return startInteraction(server, {
    clientId: client.clientId,
    redirectUri: client.redirectUri,
    scope: READ_SCOPES,
    resource: MCP_RESOURCE,
    codeChallenge: pkcePair().codeChallenge,
    ...overrides,
  });
}

/** The session epoch a login would return for the user now (read from the database: no scrypt). */
export async function sessionEpochOf(server: TestAuthServer, userId: string): Promise<number> {
  const user = await server.instance.server.store.run((x) => findUserById(x, userId));
  if (!user) throw new Error(`no user ${userId}`);
  return user.sessionEpoch;
}

/** A browser binding as the web app derives one for a consent page: 256 bits, base64url. */
export function browserBinding(): string {
  return randomBytes(32).toString("base64url");
}

/** Who views or decides, as the web app sends it; each field may be left out (null) to test that. */
export interface ConsentCall {
  /** The Acting-User header; none when absent (a signed-out view). */
  userId?: string;
  /** The session epoch; defaults to the user's current one, null sends none. */
  epoch?: number | null;
  /** The Browser-Binding header; null sends none. */
  binding?: string | null;
}

async function consentHeaders(
  server: TestAuthServer,
  call: ConsentCall,
): Promise<Record<string, string>> {
  const headers: Record<string, string> = {};
  if (call.binding !== null && call.binding !== undefined)
    headers["Browser-Binding"] = call.binding;
  if (call.userId !== undefined) {
    headers["Acting-User"] = call.userId;
    const epoch = call.epoch === undefined ? await sessionEpochOf(server, call.userId) : call.epoch;
    if (epoch !== null) headers["Acting-User-Session-Epoch"] = String(epoch);
  }
  return headers;
}

/** GET /internal/interactions/{id}, as the consent page loads it in one browser. */
export async function viewInteraction(
  server: TestAuthServer,
  interaction: string,
  call: ConsentCall = {},
): Promise<Response> {
  return internalApi(server, `/interactions/${interaction}`, {
    headers: await consentHeaders(server, { binding: browserBinding(), ...call }),
  });
}

/** POST /internal/interactions/{id}/consent, as the consent form's handler sends it. */
export async function postDecision(
  server: TestAuthServer,
  interaction: string,
  decision: "allow" | "deny",
  call: ConsentCall,
): Promise<Response> {
  return internalApi(server, `/interactions/${interaction}/consent`, {
    body: { decision },
    headers: await consentHeaders(server, call),
  });
}

/** The person views the consent page in one browser and decides there; returns the redirect. */
export async function decide(
  server: TestAuthServer,
  interaction: string,
  userId: string,
  decision: "allow" | "deny" = "allow",
  binding: string = browserBinding(),
): Promise<URL> {
  const shown = await viewInteraction(server, interaction, { userId, binding });
  expect(shown.status).toBe(200);
  const response = await postDecision(server, interaction, decision, { userId, binding });
  expect(response.status).toBe(200);
  return new URL(((await json(response)) as JsonBody).redirectTo);
}

export interface AuthorizedCode {
  code: string;
  codeVerifier: string;
  clientId: string;
  redirectUri: string;
  userId: string;
  callback: URL;
}

/** The whole front channel: register (unless given a client), authorize, log in, allow. */
export async function obtainAuthorizationCode(
  server: TestAuthServer,
  options: {
    client?: { clientId: string; redirectUri: string };
    scope?: string;
    user?: { email: string; password: string };
    /** Further authorization request parameters, such as dpop_jkt. */
    extra?: Record<string, string>;
  } = {},
): Promise<AuthorizedCode> {
  const client = options.client ?? (await registerPublicClient(server));
  const { codeVerifier, codeChallenge } = pkcePair();
  const interaction = await startInteraction(server, {
    clientId: client.clientId,
    redirectUri: client.redirectUri,
    scope: options.scope ?? READ_SCOPES,
    resource: MCP_RESOURCE,
    state: "state-123",
    codeChallenge,
    ...(options.extra === undefined ? {} : { extra: options.extra }),
  });
  const userId = await signedInUserId(server, options.user);
  const callback = await decide(server, interaction, userId);
  return {
    code: callback.searchParams.get("code") ?? "",
    codeVerifier,
    clientId: client.clientId,
    redirectUri: client.redirectUri,
    userId,
    callback,
  };
}

export function redeemCode(
  server: TestAuthServer,
  authorized: AuthorizedCode,
  overrides: Record<string, string | undefined> = {},
  headers: Record<string, string> = {},
): Promise<Response> {
  const parameters: Record<string, string> = {};
  const all: Record<string, string | undefined> = {
    grant_type: "authorization_code",
    code: authorized.code,
    code_verifier: authorized.codeVerifier,
    redirect_uri: authorized.redirectUri,
    client_id: authorized.clientId,
    resource: MCP_RESOURCE,
    ...overrides,
  };
  for (const [name, value] of Object.entries(all))
    if (value !== undefined) parameters[name] = value;
  const request = form(parameters);
  return fetch(server.url("/token"), {
    method: "POST",
    headers: { ...request.headers, ...headers },
    body: request.body,
  });
}

export function refresh(
  server: TestAuthServer,
  clientId: string,
  refreshToken: string,
  extra: Record<string, string> = {},
  headers: Record<string, string> = {},
): Promise<Response> {
  const request = form({
    grant_type: "refresh_token",
    refresh_token: refreshToken,
    client_id: clientId,
    ...extra,
  });
  return fetch(server.url("/token"), {
    method: "POST",
    headers: { ...request.headers, ...headers },
    body: request.body,
  });
}

/** POST /introspect as the web app, the one seeded client allowed to introspect (RFC 7662 §4). */
export async function introspect(server: TestAuthServer, token: string): Promise<JsonBody> {
  const request = form({ token });
  return json(
    fetch(server.url("/introspect"), {
      method: "POST",
      headers: {
        ...request.headers,
        Authorization: basicAuthorization(WEB_CLIENT.clientId, WEB_CLIENT.clientSecret),
      },
      body: request.body,
    }),
  );
}
