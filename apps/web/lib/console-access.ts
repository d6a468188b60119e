// Who may see the admin console and the connected-apps page; the auth-server checks again per call.
import { forbidden, notFound, redirect } from "next/navigation";
import type { ApiOutcome } from "./admin-api";
import { InternalApiError } from "./internal-api";
import { currentSession, sessionEndedPath } from "./request-context";
import { signInPath } from "./return-path";
import type { Session } from "./session";

export type ConsoleAccess = "sign-in" | "forbidden" | "allowed";

/**
 * The admin flag in the session is what the auth-server said at sign-in. It only decides what this
 * app renders: every admin call is checked again by the API against the current user record, so an
 * admin whose role was removed after signing in gets the 403 page on the next call.
 */
export function adminAccess(session: Session | undefined): ConsoleAccess {
  if (!session) return "sign-in";
  return session.isAdmin ? "allowed" : "forbidden";
}

/** The signed-in admin; signed out → the login page and back to `path`; not an admin → HTTP 403. */
export async function requireAdmin(path: string): Promise<Session> {
  const session = await currentSession();
  const access = adminAccess(session);
  if (access === "sign-in" || !session) redirect(signInPath(path));
  if (access === "forbidden") forbidden();
  return session;
}

/** The signed-in person; signed out → the login page and back to `path`. */
export async function requireSignedIn(path: string): Promise<Session> {
  const session = await currentSession();
  if (!session) redirect(signInPath(path));
  return session;
}

/**
 * The value of a read the page cannot do without. The auth-server re-checks the acting user on every
 * call: a person whose admin role (or account) was removed after signing in gets the 403 page, and a
 * session that a password reset, a disable or "sign out everywhere" ended is signed out and sent to
 * sign in again. A filter or page link the API refuses as malformed (a cursor it never issued, an
 * over-long id) names no page either: the 404 page, as for an unknown id, never a 500 (Next has no
 * 400 page to render).
 */
export async function expectOk<T>(outcome: ApiOutcome<T>, what: string): Promise<T> {
  if (outcome.ok) return outcome.value;
  if (outcome.status === 401) redirect(await sessionEndedPath({ next: true }));
  if (outcome.status === 403) forbidden();
  if (outcome.status === 404 || outcome.status === 400) notFound();
  throw new InternalApiError(`${what}: ${outcome.status} ${outcome.error}`, outcome.status);
}
