// The one way this app handles a form: a Server Action. proxy.ts lets a POST through only from this
// app's own origin (lib/csrf.ts), the action checks who is signed in, acts, leaves a one-time message
// (lib/flash.ts) and ends in redirect(), a 303, so that a reload never repeats it.
import { cookies, headers } from "next/headers";
import { forbidden, notFound, redirect } from "next/navigation";
import type { ApiRefusal } from "./admin-api";
import { webConfig } from "./config";
import {
  FLASH_HEADER,
  type Flash,
  flashCookieName,
  flashCookieOptions,
  openFlash,
  sealFlash,
} from "./flash";
import { currentSession, endSession, sessionKey } from "./request-context";
import { signInPath } from "./return-path";
import type { Session } from "./session";

export interface ConsoleAction {
  /** The admin console needs the admin role; connected apps need only a session. */
  requireAdmin: boolean;
  /** Where a signed-out person comes back to after signing in. */
  returnPath: string;
}

/**
 * Runs a console or connected-apps action for the signed-in person, then redirects to the path it
 * answers. A Server Action is a public endpoint whatever page shows its form, so the role is checked
 * here, and the auth-server checks the acting user again on every call.
 */
export async function runConsoleAction(
  { requireAdmin, returnPath }: ConsoleAction,
  perform: (session: Session) => Promise<string>,
): Promise<never> {
  const session = await currentSession();
  if (!session) redirect(signInPath(returnPath));
  if (requireAdmin && !session.isAdmin) forbidden();
  let next: string;
  try {
    next = await perform(session);
  } catch (error) {
    if (error instanceof ForbiddenByApi) forbidden();
    if (error instanceof SessionEndedByApi) {
      // A password reset, a disable or "sign out everywhere" ended this session: the cookie goes too.
      await endSession();
      redirect(`/login?${new URLSearchParams({ next: returnPath, notice: "session-ended" })}`);
    }
    throw error;
  }
  redirect(next);
}

/** The auth-server refused the acting person (no longer an admin, or disabled): a 403, not a 500. */
export class ForbiddenByApi extends Error {
  constructor() {
    super("the internal API refused the acting user");
    this.name = "ForbiddenByApi";
  }
}

/** The auth-server refused the session itself (`session_ended`): sign out, then sign in again. */
export class SessionEndedByApi extends Error {
  constructor() {
    super("the internal API refused the session: it has ended");
    this.name = "SessionEndedByApi";
  }
}

/**
 * The words for a refusal the person can act on. The auth-server's description is our own server's
 * text about our own records; it is shown as React text, never as markup.
 */
export function refusalMessage(refusal: ApiRefusal, fallback: string): string {
  if (refusal.status === 403) throw new ForbiddenByApi();
  if (refusal.status === 401) throw new SessionEndedByApi();
  return refusal.description ? `${fallback} ${refusal.description}` : fallback;
}

/** Leaves a one-time message for the page the action's redirect leads to (proxy.ts delivers it). */
export async function flash(session: Session, message: Flash): Promise<void> {
  const { webUrl } = webConfig();
  (await cookies()).set(
    flashCookieName(webUrl),
    await sealFlash(message, session.userId, sessionKey()),
    flashCookieOptions(webUrl),
  );
}

/** The message an action left for this page load, if any (proxy.ts moved it into a header). */
export async function readFlash(session: Session): Promise<Flash | undefined> {
  return openFlash((await headers()).get(FLASH_HEADER), session.userId, sessionKey());
}

/**
 * An argument bound into an action (`action.bind(null, target)`) or a form field, as text. Both
 * arrive in the POST body, whatever the page printed, so each is checked like any input; a value that
 * is no text at all is no request this app's pages make: the 404 page (Next has no 400 page).
 */
export function textInput(value: unknown): string {
  if (typeof value !== "string" || value.length > 2048) notFound();
  return value;
}

/** A form field as a trimmed string ("" when absent). */
export function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value.trim() : "";
}
