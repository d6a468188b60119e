// The glue every admin and connected-apps form handler shares: the same CSRF defences as the consent
// form (Origin / Sec-Fetch-Site, then an HMAC token bound to the action and its target), then the
// action, then a 303 so that a reload never repeats it.
import { cookies, headers } from "next/headers";
import type { ApiRefusal } from "./admin-api";
import { webConfig } from "./config";
import { isSameOriginRequest, isValidCsrfToken } from "./csrf";
import {
  FLASH_HEADER,
  type Flash,
  flashCookieName,
  flashCookieOptions,
  openFlash,
  sealFlash,
} from "./flash";
import { FORGED_FORM_MESSAGE, plainText, seeOther, UNAVAILABLE_MESSAGE } from "./form-responses";
import { InternalApiError } from "./internal-api";
import { currentSession, endSession, sessionKey } from "./request-context";
import { signInPath } from "./return-path";
import type { Session } from "./session";

export interface ConsoleAction {
  session: Session;
  action: string;
  target: string;
  form: FormData;
  /** A one-time message for the page the 303 leads to. */
  flash(message: Flash): Promise<void>;
}

/** What an action answers: where to go next (a path of this app). */
export type ConsoleActionResult = string;

export interface ConsoleFormOptions {
  /** The admin console needs the admin role; connected apps need only a session. */
  requireAdmin: boolean;
  /** Where a signed-out person comes back to after signing in. */
  returnPath: string;
  perform(input: ConsoleAction): Promise<ConsoleActionResult>;
}

const FORBIDDEN_MESSAGE = "Only administrators may do this.";

export async function handleConsoleForm(
  request: Request,
  options: ConsoleFormOptions,
): Promise<Response> {
  const config = webConfig();
  if (!isSameOriginRequest(request.headers, config.webUrl)) {
    return plainText(403, FORGED_FORM_MESSAGE);
  }
  const session = await currentSession();
  if (!session) return seeOther(signInPath(options.returnPath));
  if (options.requireAdmin && !session.isAdmin) return plainText(403, FORBIDDEN_MESSAGE);

  const form = await request.formData().catch(() => undefined);
  const action = form?.get("action");
  const target = form?.get("target");
  if (!form || typeof action !== "string" || typeof target !== "string") {
    return plainText(400, "This form is missing what it should do.");
  }
  const endpoint = new URL(request.url).pathname;
  if (
    !isValidCsrfToken(
      session.csrfSecret,
      { form: "action", endpoint, action, target },
      form.get("csrf"),
    )
  ) {
    return plainText(403, FORGED_FORM_MESSAGE);
  }

  const jar = await cookies();
  const flash = async (message: Flash) => {
    jar.set(
      flashCookieName(config.webUrl),
      await sealFlash(message, session.userId, sessionKey()),
      flashCookieOptions(config.webUrl),
    );
  };
  try {
    return seeOther(await options.perform({ session, action, target, form, flash }));
  } catch (error) {
    if (error instanceof ForbiddenByApi) return plainText(403, FORBIDDEN_MESSAGE);
    if (error instanceof SessionEndedByApi) {
      // A password reset, a disable or "sign out everywhere" ended this session: the cookie goes too.
      await endSession();
      return seeOther(signInPath(options.returnPath));
    }
    if (!(error instanceof InternalApiError)) throw error;
    console.error(error);
    return plainText(502, UNAVAILABLE_MESSAGE);
  }
}

/** The auth-server refused the acting person (no longer an admin, or disabled): a 403, not a 502. */
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

/** The message a handler left for this page load, if any (proxy.ts moved it into a header). */
export async function readFlash(session: Session): Promise<Flash | undefined> {
  return openFlash((await headers()).get(FLASH_HEADER), session.userId, sessionKey());
}

/** A form field as a trimmed string ("" when absent). */
export function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value.trim() : "";
}
