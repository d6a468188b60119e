// /internal/admin/users (scope admin:users): list, create, disable and enable people, reset a password,
// grant or remove administrator rights (docs/internal-api.md "Users").
import { randomUUID } from "node:crypto";
import {
  type AdminUser,
  CreateUserRequest,
  ListUsersQuery,
  ResetPasswordRequest,
  SetAdminRequest,
  type UserPage,
  type UserResponse,
} from "@repo/contracts/admin-api";
import { Hono } from "hono";
import { hashPassword } from "../../security/passwords";
import type { AuthServer } from "../../server-context";
import { recordAuditEvent } from "../../store/audit";
import { countLiveGrants, findLiveGrants } from "../../store/grants";
import {
  countEnabledAdmins,
  findUserByEmail,
  findUserById,
  insertUserIfAbsent,
  listUsers,
  normalizeEmail,
  raiseSessionEpoch,
  type UserRecord,
  updateUser,
} from "../../store/users";
import type { ActingUserVariables } from "../acting-user";
import { InternalApiError, parseJsonBody, parseQuery } from "../internal-error";
import { isoTime, page } from "../pagination";
import { revokeAccess } from "../revocation";

function userView(user: UserRecord, activeGrants: number): AdminUser {
  return {
    id: user.id,
    email: user.email,
    name: user.displayName,
    isAdmin: user.isAdmin,
    createdAt: isoTime(user.createdAt),
    disabledAt: isoTime(user.disabledAt),
    activeGrants,
  };
}

async function existingUser(server: AuthServer, userId: string): Promise<UserRecord> {
  const user =
    userId.length <= 100 ? await server.store.run((x) => findUserById(x, userId)) : undefined;
  if (!user) throw new InternalApiError("not_found", "no such user", 404);
  return user;
}

/** An administrator who can still sign in must remain, or nobody can manage this server again. */
function refuseLockout(actor: UserRecord, target: UserRecord, action: string): void {
  if (actor.id === target.id) {
    throw new InternalApiError("conflict", `you cannot ${action} your own account`, 409);
  }
}

export function adminUserRoutes(server: AuthServer): Hono<{ Variables: ActingUserVariables }> {
  const routes = new Hono<{ Variables: ActingUserVariables }>();
  const view = async (user: UserRecord): Promise<UserResponse> => ({
    user: userView(
      user,
      (await server.store.run((x) => findLiveGrants(x, { userId: user.id }))).length,
    ),
  });

  routes.get("/", async (c) => {
    const query = parseQuery(c, ListUsersQuery);
    const { items, total } = await server.store.run((x) =>
      listUsers(x, { search: query.q, ...query }),
    );
    const grantsPerUser = await server.store.run((x) => countLiveGrants(x, "userId"));
    return c.json(
      page(
        items.map((user) => userView(user, grantsPerUser.get(user.id) ?? 0)),
        total,
        query,
      ) satisfies UserPage,
    );
  });

  routes.get("/:userId", async (c) =>
    c.json(await view(await existingUser(server, c.req.param("userId")))),
  );

  routes.post("/", async (c) => {
    const actor = c.get("actingUser");
    const request = await parseJsonBody(c, CreateUserRequest);
    const email = normalizeEmail(request.email);
    if (await server.store.run((x) => findUserByEmail(x, email))) {
      throw new InternalApiError("conflict", "a user with this email exists", 409);
    }
    // scrypt before the transaction: it is slow by design and must not hold the write lock.
    const passwordHash = await hashPassword(request.password, server.passwordHashCost);
    const now = server.clock();
    const user = await server.store.transaction(async (tx) => {
      // One statement (ON CONFLICT DO NOTHING): of two creations with one email, on any replica,
      // the second is refused.
      const created = await insertUserIfAbsent(tx, {
        id: randomUUID(),
        email,
        displayName: request.name,
        passwordHash,
        isAdmin: request.isAdmin,
        createdAt: now,
      });
      if (!created) {
        throw new InternalApiError("conflict", "a user with this email exists", 409);
      }
      await recordAuditEvent(
        tx,
        {
          event: "user.created",
          outcome: "success",
          subject: created.id,
          actorUserId: actor.id,
          details: { email, isAdmin: created.isAdmin },
        },
        now,
      );
      return created;
    });
    return c.json(await view(user), 201);
  });

  routes.post("/:userId/disable", async (c) => {
    const actor = c.get("actingUser");
    const target = await existingUser(server, c.req.param("userId"));
    refuseLockout(actor, target, "disable");
    const now = server.clock();
    const user = await server.store.transaction(async (tx) => {
      // Checked inside the transaction, so two admins disabling each other cannot both succeed.
      const current = (await findUserById(tx, target.id)) ?? target;
      if (current.isAdmin && current.disabledAt === null && (await countEnabledAdmins(tx)) <= 1) {
        throw new InternalApiError("conflict", "this is the last enabled administrator", 409);
      }
      // Everything the person could still use ends with the account: grants, remembered consents
      // (a re-enabled account starts from the consent screen), and every web session (the epoch).
      const outcome = await revokeAccess(
        tx,
        { userId: target.id },
        { reason: "user disabled", actorUserId: actor.id, removeConsents: true, now },
      );
      if (current.disabledAt === null) await updateUser(tx, target.id, { disabledAt: now });
      const disabled = await raiseSessionEpoch(tx, target.id);
      await recordAuditEvent(
        tx,
        {
          event: "user.disabled",
          outcome: "success",
          subject: target.id,
          actorUserId: actor.id,
          details: { ...outcome, sessionEpoch: disabled?.sessionEpoch },
        },
        now,
      );
      return disabled ?? current;
    });
    return c.json(await view(user));
  });

  routes.post("/:userId/enable", async (c) => {
    const actor = c.get("actingUser");
    const target = await existingUser(server, c.req.param("userId"));
    const now = server.clock();
    const user = await server.store.transaction(async (tx) => {
      const enabled = await updateUser(tx, target.id, { disabledAt: null });
      await recordAuditEvent(
        tx,
        { event: "user.enabled", outcome: "success", subject: target.id, actorUserId: actor.id },
        now,
      );
      return enabled ?? target;
    });
    return c.json(await view(user));
  });

  routes.post("/:userId/password", async (c) => {
    const actor = c.get("actingUser");
    const target = await existingUser(server, c.req.param("userId"));
    const { password } = await parseJsonBody(c, ResetPasswordRequest);
    const passwordHash = await hashPassword(password, server.passwordHashCost);
    const now = server.clock();
    const user = await server.store.transaction(async (tx) => {
      await updateUser(tx, target.id, { passwordHash });
      // A reset usually follows a compromise: whoever held the old password may have connected apps
      // with it, or still hold a web session, so every grant, every remembered consent (which would
      // let a stolen session mint tokens without a click) and every web session ends with it
      // (OWASP Session Management: invalidate sessions on a password change).
      const outcome = await revokeAccess(
        tx,
        { userId: target.id },
        { reason: "password reset", actorUserId: actor.id, removeConsents: true, now },
      );
      const updated = await raiseSessionEpoch(tx, target.id);
      // The password is never written to the log, not even as a hash.
      await recordAuditEvent(
        tx,
        {
          event: "user.password_reset",
          outcome: "success",
          subject: target.id,
          actorUserId: actor.id,
          details: { ...outcome, sessionEpoch: updated?.sessionEpoch },
        },
        now,
      );
      return updated ?? target;
    });
    return c.json(await view(user));
  });

  routes.post("/:userId/admin", async (c) => {
    const actor = c.get("actingUser");
    const target = await existingUser(server, c.req.param("userId"));
    const { isAdmin } = await parseJsonBody(c, SetAdminRequest);
    if (!isAdmin) refuseLockout(actor, target, "remove administrator rights from");
    const now = server.clock();
    const user = await server.store.transaction(async (tx) => {
      const current = (await findUserById(tx, target.id)) ?? target;
      if (
        !isAdmin &&
        current.isAdmin &&
        current.disabledAt === null &&
        (await countEnabledAdmins(tx)) <= 1
      ) {
        throw new InternalApiError("conflict", "this is the last enabled administrator", 409);
      }
      const updated = await updateUser(tx, target.id, { isAdmin });
      await recordAuditEvent(
        tx,
        {
          event: isAdmin ? "user.admin_granted" : "user.admin_revoked",
          outcome: "success",
          subject: target.id,
          actorUserId: actor.id,
        },
        now,
      );
      return updated ?? current;
    });
    return c.json(await view(user));
  });

  return routes;
}
