// The user actions: create, disable, enable, reset a password, grant or remove the admin role.
"use server";

import type { AdminUser } from "@/lib/admin-api";
import { field, flash, refusalMessage, runConsoleAction, textInput } from "@/lib/form-actions";
import { hrefWith } from "@/lib/pagination";
import { adminApi } from "@/lib/request-context";

const USERS = { requireAdmin: true, returnPath: "/admin/users" } as const;

function userPage(userId: string): string {
  return hrefWith("/admin/users/view", { id: userId });
}

/** The new-user form. */
export async function createUser(form: FormData): Promise<void> {
  await runConsoleAction(USERS, async (session) => {
    const outcome = await adminApi().users.create(session, {
      email: field(form, "email"),
      name: field(form, "name"),
      // Passwords are taken as typed: trimming would change them.
      password: String(form.get("password") ?? ""),
      isAdmin: form.get("isAdmin") === "true",
    });
    if (!outcome.ok) {
      await flash(session, {
        kind: "error",
        text: refusalMessage(outcome, "The user was not created."),
      });
      return "/admin/users";
    }
    await flash(session, { kind: "status", text: `User ${outcome.value.user.email} created.` });
    return userPage(outcome.value.user.id);
  });
}

/** Bound to the user's id. Disabling also ends their sessions and revokes their grants. */
export async function disableUser(userId: unknown): Promise<void> {
  await setUserDisabled(textInput(userId), true);
}

/** Bound to the user's id. */
export async function enableUser(userId: unknown): Promise<void> {
  await setUserDisabled(textInput(userId), false);
}

async function setUserDisabled(userId: string, disabled: boolean): Promise<void> {
  await runConsoleAction(USERS, async (session) => {
    const outcome = await adminApi().users.setDisabled(session, userId, disabled);
    if (!outcome.ok) {
      const done = disabled ? "disabled" : "enabled";
      await flash(session, {
        kind: "error",
        text: refusalMessage(outcome, `The user was not ${done}.`),
      });
      return userPage(userId);
    }
    const { user } = outcome.value;
    await flash(session, {
      kind: "status",
      text: disabled
        ? `${user.email} disabled; their grants are revoked.`
        : `${user.email} enabled.`,
    });
    return userPage(user.id);
  });
}

/** Bound to the user's id. */
export async function grantAdminRole(userId: unknown): Promise<void> {
  await setAdminRole(textInput(userId), true);
}

/** Bound to the user's id. */
export async function removeAdminRole(userId: unknown): Promise<void> {
  await setAdminRole(textInput(userId), false);
}

async function setAdminRole(userId: string, isAdmin: boolean): Promise<void> {
  await runConsoleAction(USERS, async (session) => {
    const outcome = await adminApi().users.setAdmin(session, userId, isAdmin);
    if (!outcome.ok) {
      await flash(session, {
        kind: "error",
        text: refusalMessage(outcome, "The role was not changed."),
      });
      return userPage(userId);
    }
    const { user }: { user: AdminUser } = outcome.value;
    await flash(session, {
      kind: "status",
      text: user.isAdmin
        ? `${user.email} is now an administrator.`
        : `${user.email} is no longer an administrator.`,
    });
    return userPage(user.id);
  });
}

/** Bound to the user's id; the form carries the new password twice. */
export async function resetPassword(userId: unknown, form: FormData): Promise<void> {
  const id = textInput(userId);
  await runConsoleAction(USERS, async (session) => {
    const password = String(form.get("password") ?? "");
    if (password !== String(form.get("passwordAgain") ?? "")) {
      await flash(session, {
        kind: "error",
        text: "The two passwords differ; nothing was changed.",
      });
      return userPage(id);
    }
    const outcome = await adminApi().users.setPassword(session, id, password);
    await flash(
      session,
      outcome.ok
        ? {
            kind: "status",
            text: `New password set for ${outcome.value.user.email}. They are signed out everywhere.`,
          }
        : { kind: "error", text: refusalMessage(outcome, "The password was not changed.") },
    );
    return userPage(id);
  });
}
