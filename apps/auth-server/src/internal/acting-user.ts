// The person on whose behalf the web app calls the connected-apps and admin routes (docs/internal-api.md
// "The acting user"). The web app checks who is signed in; the auth-server checks again, so that a bug
// in the web app cannot act for a disabled person or make a person an administrator.
import type { MiddlewareHandler } from "hono";
import { z } from "zod";
import type { AuthServer } from "../server-context";
import { recordAuditEvent } from "../store/audit";
import { findUserById, type UserRecord } from "../store/users";
import { InternalApiError } from "./internal-error";

export const ACTING_USER_HEADER = "Acting-User";

export type ActingUserVariables = { actingUser: UserRecord };

const ActingUserId = z.string().min(1).max(100);

/** Resolves the `Acting-User` header to an enabled user (and, with `requireAdmin`, an administrator). */
export function requireActingUser(
  server: AuthServer,
  options: { requireAdmin: boolean },
): MiddlewareHandler<{ Variables: ActingUserVariables }> {
  return async (c, next) => {
    const header = ActingUserId.safeParse(c.req.header(ACTING_USER_HEADER));
    if (!header.success) {
      throw new InternalApiError(
        "invalid_request",
        `the ${ACTING_USER_HEADER} header must name the signed-in user's id`,
        400,
      );
    }
    const user = findUserById(server.db, header.data);
    const refusal =
      !user || user.disabledAt !== null
        ? "unknown or disabled user"
        : options.requireAdmin && !user.isAdmin
          ? "not an administrator"
          : undefined;
    if (refusal !== undefined || !user) {
      if (options.requireAdmin) {
        recordAuditEvent(
          server.db,
          {
            event: "admin.refused",
            outcome: "failure",
            actorUserId: header.data,
            details: { method: c.req.method, path: c.req.path.slice(0, 300), reason: refusal },
          },
          server.clock(),
        );
      }
      throw new InternalApiError(
        "forbidden",
        `the acting user may not do this: ${refusal ?? "unknown user"}`,
        403,
      );
    }
    c.set("actingUser", user);
    await next();
  };
}
