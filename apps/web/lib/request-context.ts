// Server-side glue between Next.js requests and the pure modules: the session cookie, the API client.
import { cookies, headers } from "next/headers";
import { type AdminApiClient, createAdminApiClient } from "./admin-api";
import { webConfig } from "./config";
import { bindingCookieName, interactionBinding, isBindingSecret } from "./consent-binding";
import { sessionEndedToken } from "./csrf";
import {
  type BearerTransport,
  type ConsentCaller,
  createBearerTransport,
  createInternalApiClient,
  type InternalApiClient,
  type SignedInUser,
} from "./internal-api";
import { REQUEST_ID_HEADER } from "./request-id";
import { REQUEST_PATH_HEADER } from "./return-path";
import {
  deriveSessionKey,
  newCsrfSecret,
  openSession,
  type Session,
  sealSession,
  sessionCookieName,
  sessionCookieOptions,
} from "./session";

let cachedKey: { secret: string; key: Uint8Array } | undefined;

export function sessionKey(): Uint8Array {
  const { sessionSecret } = webConfig();
  if (cachedKey?.secret !== sessionSecret) {
    cachedKey = { secret: sessionSecret, key: deriveSessionKey(sessionSecret) };
  }
  return cachedKey.key;
}

/** The signed-in person, or undefined. */
export async function currentSession(): Promise<Session | undefined> {
  const jar = await cookies();
  return openSession(jar.get(sessionCookieName(webConfig().webUrl))?.value, sessionKey());
}

/**
 * Starts a fresh session after a successful sign-in. A new CSRF secret every time, so nothing an
 * attacker learned before the sign-in (session fixation) carries over.
 */
export async function startSession(user: SignedInUser): Promise<void> {
  const sealed = await sealSession(
    {
      userId: user.id,
      email: user.email,
      name: user.name,
      isAdmin: user.isAdmin,
      csrfSecret: newCsrfSecret(),
      sessionEpoch: user.sessionEpoch,
    },
    sessionKey(),
  );
  const { webUrl } = webConfig();
  (await cookies()).set(sessionCookieName(webUrl), sealed, sessionCookieOptions(webUrl));
}

export async function endSession(): Promise<void> {
  const { webUrl } = webConfig();
  (await cookies()).set(sessionCookieName(webUrl), "", sessionCookieOptions(webUrl, 0));
}

/**
 * Where a page sends a person whose session the auth-server refused (`session_ended`): the
 * /session-ended route clears the cookie, which a page cannot do while it renders, then the login
 * page, then back here. The token keeps any other site from using that route to sign people out.
 */
export async function sessionEndedPath(returnTo: { interaction: string } | { next: true }) {
  const session = await currentSession();
  const query = new URLSearchParams();
  if (session) query.set("token", sessionEndedToken(session.csrfSecret));
  if ("interaction" in returnTo) query.set("interaction", returnTo.interaction);
  else {
    const path = (await headers()).get(REQUEST_PATH_HEADER);
    if (path) query.set("next", path);
  }
  return `/session-ended?${query}`;
}

/**
 * What the consent calls send: this browser's binding for the interaction (proxy.ts set the cookie
 * on the first view) and, signed in, the person. Undefined without a binding cookie.
 */
export async function consentCaller(
  interactionId: string,
  session: Session | undefined,
): Promise<ConsentCaller | undefined> {
  const secret = (await cookies()).get(bindingCookieName(webConfig().webUrl))?.value;
  if (!isBindingSecret(secret)) return undefined;
  return {
    browserBinding: interactionBinding(secret, interactionId),
    ...(session ? { actingUser: session } : {}),
  };
}

let cachedTransport: BearerTransport | undefined;
let cachedClient: InternalApiClient | undefined;
let cachedAdminClient: AdminApiClient | undefined;

/** The request id proxy.ts put on the request being rendered; none outside a request. */
async function incomingRequestId(): Promise<string | undefined> {
  try {
    return (await headers()).get(REQUEST_ID_HEADER) ?? undefined;
  } catch {
    return undefined;
  }
}

function apiOptions() {
  const config = webConfig();
  return {
    issuer: config.issuer,
    internalUrl: config.authInternalUrl,
    clientId: config.webClient.clientId,
    clientSecret: config.webClient.clientSecret,
    requestId: incomingRequestId,
  };
}

/** One transport per process, so each access token is shared by every request. */
function transport(): BearerTransport {
  cachedTransport ??= createBearerTransport(apiOptions());
  return cachedTransport;
}

export function internalApi(): InternalApiClient {
  cachedClient ??= createInternalApiClient(apiOptions(), transport());
  return cachedClient;
}

/** The admin, connected-apps and MCP audit calls (docs/internal-api.md). */
export function adminApi(): AdminApiClient {
  if (!cachedAdminClient) {
    const config = webConfig();
    cachedAdminClient = createAdminApiClient(
      {
        issuer: config.issuer,
        internalUrl: config.authInternalUrl,
        mcpResource: config.mcpResource,
        mcpInternalUrl: config.mcpInternalUrl,
      },
      transport(),
    );
  }
  return cachedAdminClient;
}
