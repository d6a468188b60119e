// Server-side glue between Next.js requests and the pure modules: the session cookie, the API client.
import { cookies } from "next/headers";
import { type AdminApiClient, createAdminApiClient } from "./admin-api";
import { webConfig } from "./config";
import {
  type BearerTransport,
  createBearerTransport,
  createInternalApiClient,
  type InternalApiClient,
  type SignedInUser,
} from "./internal-api";
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

let cachedTransport: BearerTransport | undefined;
let cachedClient: InternalApiClient | undefined;
let cachedAdminClient: AdminApiClient | undefined;

function apiOptions() {
  const config = webConfig();
  return {
    issuer: config.issuer,
    internalUrl: config.authInternalUrl,
    clientId: config.webClient.clientId,
    clientSecret: config.webClient.clientSecret,
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
