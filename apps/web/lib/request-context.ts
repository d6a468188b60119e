// Server-side glue between Next.js requests and the pure modules: the session cookie, the API client.
import { cookies } from "next/headers";
import { webConfig } from "./config";
import { createInternalApiClient, type InternalApiClient, type SignedInUser } from "./internal-api";
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

function sessionKey(): Uint8Array {
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

let cachedClient: InternalApiClient | undefined;

/** One client per process, so its access token is shared by every request. */
export function internalApi(): InternalApiClient {
  if (!cachedClient) {
    const config = webConfig();
    cachedClient = createInternalApiClient({
      issuer: config.issuer,
      internalUrl: config.authInternalUrl,
      clientId: config.webClient.clientId,
      clientSecret: config.webClient.clientSecret,
    });
  }
  return cachedClient;
}
