// The person on whose behalf the web app calls the internal API (docs/internal-api.md "The acting
// user"). The web app checks who is signed in; the auth-server checks again, so that a bug in the web
// app cannot act for a disabled person or make a person an administrator, and a web session that a
// password reset, a disable or "sign out everywhere" ended cannot act at all (the session epoch).
import { ACTING_USER_HEADER, SESSION_EPOCH_HEADER } from "@repo/contracts/internal-api";
import type { Context, MiddlewareHandler } from "hono";
import { z } from "zod";
import type { AuthServer } from "../server-context";
import { audit } from "../store/audit";
import { findUserById, type UserRecord } from "../store/users";
import { InternalApiError } from "./internal-error";

export type ActingUserVariables = { actingUser: UserRecord };

const ActingUserId = z.string().min(1).max(100);
/** A non-negative integer in decimal, as login returned it: no sign, no exponent, no padding tricks. */
const SessionEpoch = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,14})$/)
  .transform(Number);

/** True when the request names an acting user at all (the consent page may be viewed signed out). */
export function hasActingUser(c: Context): boolean {
  return c.req.header(ACTING_USER_HEADER) !== undefined;
}

/**
 * The enabled user the `Acting-User` header names, whose web session is still current: the
 * `Acting-User-Session-Epoch` header must equal the user's epoch, which a password reset, a disable
 * and "sign out everywhere" raise. A session stolen before any of those is refused from then on.
 */
export async function resolveActingUser(
  server: AuthServer,
  c: Context,
  options: { requireAdmin: boolean },
): Promise<UserRecord> {
  const header = ActingUserId.safeParse(c.req.header(ACTING_USER_HEADER));
  if (!header.success) {
    throw new InternalApiError(
      "invalid_request",
      `the ${ACTING_USER_HEADER} header must name the signed-in user's id`,
      400,
    );
  }
  const presentedEpoch = c.req.header(SESSION_EPOCH_HEADER);
  const epoch = SessionEpoch.safeParse(presentedEpoch);
  if (presentedEpoch !== undefined && !epoch.success) {
    throw new InternalApiError(
      "invalid_request",
      `the ${SESSION_EPOCH_HEADER} header must be the session epoch login returned`,
      400,
    );
  }
  const now = server.clock();
  const user = await server.store.run((x) => findUserById(x, header.data));
  const refuse = (
    event: "admin.refused" | "user.session_refused",
    details: Record<string, unknown>,
  ) =>
    audit(
      server.store,
      {
        event,
        outcome: "failure",
        subject: event === "user.session_refused" ? header.data : undefined,
        actorUserId: header.data,
        details: { method: c.req.method, path: c.req.path.slice(0, 300), ...details },
      },
      now,
    );

  // The epoch is checked before the account's state: a disabled person's old session ends (401, and
  // the web app signs them out) rather than lingering on a 403 page.
  if (user && (!epoch.success || epoch.data !== user.sessionEpoch)) {
    const reason = epoch.success ? "stale session epoch" : "no session epoch";
    await refuse("user.session_refused", {
      reason,
      presentedEpoch: epoch.success ? epoch.data : null,
      currentEpoch: user.sessionEpoch,
    });
    throw new InternalApiError(
      "session_ended",
      "this sign-in session has ended (password reset, account disabled or signed out everywhere); sign in again",
      401,
    );
  }
  const refusal =
    !user || user.disabledAt !== null
      ? "unknown or disabled user"
      : options.requireAdmin && !user.isAdmin
        ? "not an administrator"
        : undefined;
  if (refusal !== undefined || !user) {
    if (options.requireAdmin) await refuse("admin.refused", { reason: refusal });
    throw new InternalApiError(
      "forbidden",
      `the acting user may not do this: ${refusal ?? "unknown user"}`,
      403,
    );
  }
  return user;
}

/** Resolves the acting user (and, with `requireAdmin`, an administrator) before every route. */
export function requireActingUser(
  server: AuthServer,
  options: { requireAdmin: boolean },
): MiddlewareHandler<{ Variables: ActingUserVariables }> {
  return async (c, next) => {
    c.set("actingUser", await resolveActingUser(server, c, options));
    await next();
  };
}
