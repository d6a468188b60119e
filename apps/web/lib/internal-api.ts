// A client for the auth-server's internal API (docs/internal-api.md), used only on the server.
import {
  ACTING_USER_HEADER,
  BROWSER_BINDING_HEADER,
  type ConsentDecision,
  type ConsentRequest,
  ConsentResponse,
  ErrorBody,
  INTERNAL_API_SCOPE,
  Interaction,
  type LoginRequest,
  LoginResponse,
  SESSION_EPOCH_HEADER,
  type SignedInUser,
} from "@repo/contracts/internal-api";
import { z } from "zod";
import { isRequestId, REQUEST_ID_HEADER } from "./request-id";

// The shapes are @repo/contracts', which the auth-server's answers are typed against.
export type { ConsentDecision, Interaction, SignedInUser };

const TokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().regex(/^bearer$/i),
  expires_in: z.number().positive(),
});

export type LoginResult =
  | { status: "signed-in"; user: SignedInUser }
  | { status: "invalid-credentials" }
  | { status: "too-many-attempts"; retryAfterSeconds: number };

/** What both consent calls may answer besides their own result. */
type ConsentRefusal =
  | { status: "unknown" }
  | { status: "expired" }
  /** A password reset, a disable or "sign out everywhere" ended this session: sign in again. */
  | { status: "session-ended" }
  /** Another browser opened this consent page first (docs/internal-api.md "The browser binding"). */
  | { status: "wrong-browser" };

export type InteractionResult =
  | { status: "found"; interaction: Interaction }
  | ConsentRefusal
  /** The signed-in user no longer exists or was disabled (the auth-server answers 403). */
  | { status: "user-refused" };

export type ConsentResult =
  | { status: "redirect"; redirectTo: string }
  | ConsentRefusal
  | { status: "rejected"; description: string };

/**
 * The signed-in person a call is made for: the session carries both, and the auth-server refuses the
 * call when the epoch is no longer the person's (docs/internal-api.md "The acting user").
 */
export interface ActingUser {
  userId: string;
  sessionEpoch: number;
}

/** What the consent calls send: this browser's binding for the interaction, and who is signed in. */
export interface ConsentCaller {
  browserBinding: string;
  actingUser?: ActingUser;
}

/** The auth-server's answer when the person's session epoch is not current. */
export function isSessionEnded(status: number, error: string | undefined): boolean {
  return status === 401 && error === "session_ended";
}

/** Anything the contract does not describe: the auth-server is down, misconfigured or changed. */
export class InternalApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "InternalApiError";
  }
}

export interface InternalApiOptions {
  /** The public issuer: the internal API's resource identifier is `${issuer}/internal`. */
  issuer: string;
  /** Where this server reaches the auth-server (AUTH_INTERNAL_URL). */
  internalUrl: string;
  clientId: string;
  clientSecret: string;
  fetch?: typeof fetch;
  now?: () => number;
  timeoutMs?: number;
  /**
   * The id of the browser's request that a call is made for, sent on as X-Request-Id. A token
   * request shared by concurrent requests carries the id of the one that started it.
   */
  requestId?: () => Promise<string | undefined>;
}

export interface InternalApiClient {
  login(input: { email: string; password: string; clientAddress?: string }): Promise<LoginResult>;
  interaction(id: string, caller: ConsentCaller): Promise<InteractionResult>;
  decideConsent(
    id: string,
    caller: ConsentCaller & { actingUser: ActingUser },
    decision: ConsentDecision,
  ): Promise<ConsentResult>;
}

/** Renew the cached token this long before it expires, so a call never carries a dying token. */
const TOKEN_RENEWAL_MARGIN_MS = 30_000;

/** Interaction ids are opaque, but only this alphabet may reach a URL path (no `..`, no `/`). */
const INTERACTION_ID = /^[A-Za-z0-9_-]{1,128}$/;

export function isInteractionId(id: string): boolean {
  return INTERACTION_ID.test(id);
}

/** RFC 6749 §2.3.1: client_secret_basic form-encodes the id and secret before base64. */
function basicAuthorization(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, "+");
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString("base64")}`;
}

/** Where a call goes and what its access token must carry (RFC 8707 resource, RFC 6749 scope). */
export interface TokenAudience {
  resource: string;
  scope: string;
}

export interface BearerCall {
  method: "GET" | "POST" | "DELETE";
  body?: unknown;
  /** The signed-in person the call acts for (docs/internal-api.md "The acting user"). */
  actingUser?: ActingUser;
  /** The consent page's browser binding (docs/internal-api.md "The browser binding"). */
  browserBinding?: string;
}

/**
 * Calls protected resources with client-credentials tokens of the web app's own client, one cached
 * token per resource and scope: each page holds a token that can do what it needs and no more.
 */
export interface BearerTransport {
  call(url: string, audience: TokenAudience, init: BearerCall): Promise<Response>;
}

export function createBearerTransport(options: InternalApiOptions): BearerTransport {
  const fetchImpl = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const base = options.internalUrl;
  const cachedTokens = new Map<string, { value: string; renewAt: number }>();
  const pendingTokens = new Map<string, Promise<string>>();

  async function requestToken(audience: TokenAudience, key: string): Promise<string> {
    const response = await send(`${base}/token`, {
      method: "POST",
      headers: {
        Authorization: basicAuthorization(options.clientId, options.clientSecret),
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        resource: audience.resource,
        scope: audience.scope,
      }).toString(),
    });
    if (!response.ok) {
      const error = await errorCode(response);
      throw new InternalApiError(
        `the auth-server refused the web client's token request for ${audience.scope} (${response.status} ${error ?? "no error code"})`,
        response.status,
      );
    }
    const token = TokenResponseSchema.safeParse(await readJson(response));
    if (!token.success)
      throw new InternalApiError("the token response is not what RFC 6749 §5.1 says");
    const lifetimeMs = token.data.expires_in * 1000;
    cachedTokens.set(key, {
      value: token.data.access_token,
      renewAt: now() + Math.max(lifetimeMs - TOKEN_RENEWAL_MARGIN_MS, lifetimeMs / 2),
    });
    return token.data.access_token;
  }

  function accessToken(audience: TokenAudience): Promise<string> {
    const key = `${audience.resource} ${audience.scope}`;
    const cached = cachedTokens.get(key);
    if (cached && now() < cached.renewAt) return Promise.resolve(cached.value);
    // Concurrent requests share one token request instead of each asking for their own.
    let pending = pendingTokens.get(key);
    if (!pending) {
      pending = requestToken(audience, key).finally(() => pendingTokens.delete(key));
      pendingTokens.set(key, pending);
    }
    return pending;
  }

  async function call(url: string, audience: TokenAudience, init: BearerCall) {
    const attempt = async (token: string) =>
      send(url, {
        method: init.method,
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: "application/json",
          ...(init.actingUser === undefined
            ? {}
            : {
                [ACTING_USER_HEADER]: init.actingUser.userId,
                [SESSION_EPOCH_HEADER]: String(init.actingUser.sessionEpoch),
              }),
          ...(init.browserBinding === undefined
            ? {}
            : { [BROWSER_BINDING_HEADER]: init.browserBinding }),
          ...(init.body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
    const first = await attempt(await accessToken(audience));
    if (!isTokenRejection(first)) return first;
    // The token may have been revoked or signed with a key that has since been rotated out:
    // one retry with a fresh token, never a loop.
    await first.body?.cancel();
    cachedTokens.delete(`${audience.resource} ${audience.scope}`);
    const second = await attempt(await accessToken(audience));
    if (isTokenRejection(second)) {
      throw new InternalApiError(`${url} refused a fresh access token`, 401);
    }
    return second;
  }

  async function send(url: string, init: RequestInit): Promise<Response> {
    const requestId = await options.requestId?.();
    const headers = new Headers(init.headers);
    if (isRequestId(requestId)) headers.set(REQUEST_ID_HEADER, requestId);
    try {
      return await fetchImpl(url, {
        ...init,
        headers,
        redirect: "manual",
        cache: "no-store",
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      throw new InternalApiError(`${new URL(url).origin} could not be reached (${String(cause)})`);
    }
  }

  return { call };
}

export function createInternalApiClient(
  options: InternalApiOptions,
  transport: BearerTransport = createBearerTransport(options),
): InternalApiClient {
  const audience = { resource: `${options.issuer}/internal`, scope: INTERNAL_API_SCOPE };
  const call = (path: string, init: BearerCall) =>
    transport.call(`${options.internalUrl}${path}`, audience, init);

  return {
    async login({ email, password, clientAddress }) {
      const request: z.input<typeof LoginRequest> = {
        email,
        password,
        ...(clientAddress ? { clientAddress } : {}),
      };
      const response = await call("/internal/login", { method: "POST", body: request });
      if (response.status === 200) {
        const body = LoginResponse.safeParse(await readJson(response));
        if (!body.success) throw unexpected(response, "a login answer without a valid user");
        return { status: "signed-in", user: body.data.user };
      }
      const error = await errorCode(response);
      if (response.status === 401 && error === "invalid_credentials") {
        return { status: "invalid-credentials" };
      }
      if (response.status === 429) {
        return { status: "too-many-attempts", retryAfterSeconds: retryAfter(response) };
      }
      throw unexpected(response, error);
    },

    async interaction(id, { browserBinding, actingUser }) {
      if (!INTERACTION_ID.test(id)) return { status: "unknown" };
      const response = await call(`/internal/interactions/${id}`, {
        method: "GET",
        browserBinding,
        ...(actingUser ? { actingUser } : {}),
      });
      if (response.status === 200) {
        const body = Interaction.safeParse(await readJson(response));
        if (!body.success)
          throw unexpected(response, "an interaction that does not match the contract");
        return { status: "found", interaction: body.data };
      }
      const error = await errorCode(response);
      const refusal = consentRefusal(response.status, error);
      if (refusal) return refusal;
      if (response.status === 403 && error === "forbidden" && actingUser) {
        return { status: "user-refused" };
      }
      throw unexpected(response, error);
    },

    async decideConsent(id, { browserBinding, actingUser }, decision) {
      if (!INTERACTION_ID.test(id)) return { status: "unknown" };
      const request: z.input<typeof ConsentRequest> = { decision };
      const response = await call(`/internal/interactions/${id}/consent`, {
        method: "POST",
        body: request,
        browserBinding,
        actingUser,
      });
      if (response.status === 200) {
        const body = ConsentResponse.safeParse(await readJson(response));
        if (!body.success) throw unexpected(response, "a consent answer without a redirectTo URL");
        return { status: "redirect", redirectTo: body.data.redirectTo };
      }
      const error = await readError(response);
      const refusal = consentRefusal(response.status, error?.error);
      if (refusal) return refusal;
      if (response.status === 400 || (response.status === 403 && error?.error === "forbidden")) {
        return { status: "rejected", description: error?.error_description ?? error?.error ?? "" };
      }
      throw unexpected(response, error?.error);
    },
  };
}

function consentRefusal(status: number, error: string | undefined): ConsentRefusal | undefined {
  if (status === 404) return { status: "unknown" };
  if (status === 410) return { status: "expired" };
  if (isSessionEnded(status, error)) return { status: "session-ended" };
  if (status === 403 && error === "wrong_browser") return { status: "wrong-browser" };
  return undefined;
}

/**
 * A 401 about our access token carries an RFC 6750 §3 `Bearer` challenge; the login endpoint's
 * `401 invalid_credentials` is about the person's password and must not trigger a token retry.
 */
function isTokenRejection(response: Response): boolean {
  return (
    response.status === 401 && /^\s*bearer\b/i.test(response.headers.get("www-authenticate") ?? "")
  );
}

export async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

export async function readError(response: Response) {
  const body = ErrorBody.safeParse(await readJson(response));
  return body.success ? body.data : undefined;
}

async function errorCode(response: Response): Promise<string | undefined> {
  return (await readError(response))?.error;
}

function unexpected(response: Response, detail: string | undefined): InternalApiError {
  return new InternalApiError(
    `unexpected answer from the internal API: ${response.status}${detail ? ` (${detail})` : ""}`,
    response.status,
  );
}

/** RFC 9110 §10.2.3: delay-seconds or an HTTP date; a missing or odd value means one minute. */
function retryAfter(response: Response): number {
  const header = response.headers.get("retry-after");
  if (header === null) return 60;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const date = Date.parse(header);
  return Number.isNaN(date) ? 60 : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
