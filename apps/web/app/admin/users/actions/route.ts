// The user forms: create, disable, enable, reset a password, grant or remove the admin role.
import { field, handleConsoleForm, refusalMessage } from "../../../../lib/console-forms";
import { hrefWith } from "../../../../lib/pagination";
import { adminApi } from "../../../../lib/request-context";

export function POST(request: Request): Promise<Response> {
  return handleConsoleForm(request, {
    requireAdmin: true,
    returnPath: "/admin/users",
    async perform({ session, action, target, form, flash }) {
      const api = adminApi().users;
      const view = (id: string) => hrefWith("/admin/users/view", { id });
      switch (action) {
        case "create": {
          const outcome = await api.create(session, {
            email: field(form, "email"),
            name: field(form, "name"),
            // Passwords are taken as typed: trimming would change them.
            password: String(form.get("password") ?? ""),
            isAdmin: form.get("isAdmin") === "true",
          });
          if (!outcome.ok) {
            await flash({
              kind: "error",
              text: refusalMessage(outcome, "The user was not created."),
            });
            return "/admin/users";
          }
          await flash({ kind: "status", text: `User ${outcome.value.user.email} created.` });
          return view(outcome.value.user.id);
        }
        case "disable":
        case "enable": {
          const outcome = await api.setDisabled(session, target, action === "disable");
          if (!outcome.ok) {
            await flash({
              kind: "error",
              text: refusalMessage(outcome, `The user was not ${action}d.`),
            });
            return view(target);
          }
          const { user } = outcome.value;
          await flash({
            kind: "status",
            text:
              action === "disable"
                ? `${user.email} disabled; their grants are revoked.`
                : `${user.email} enabled.`,
          });
          return view(user.id);
        }
        case "grant-admin":
        case "revoke-admin": {
          const outcome = await api.setAdmin(session, target, action === "grant-admin");
          if (!outcome.ok) {
            await flash({
              kind: "error",
              text: refusalMessage(outcome, "The role was not changed."),
            });
            return view(target);
          }
          const { user } = outcome.value;
          await flash({
            kind: "status",
            text: user.isAdmin
              ? `${user.email} is now an administrator.`
              : `${user.email} is no longer an administrator.`,
          });
          return view(user.id);
        }
        case "reset-password": {
          const password = String(form.get("password") ?? "");
          if (password !== String(form.get("passwordAgain") ?? "")) {
            await flash({ kind: "error", text: "The two passwords differ; nothing was changed." });
            return view(target);
          }
          const outcome = await api.setPassword(session, target, password);
          await flash(
            outcome.ok
              ? {
                  kind: "status",
                  text: `New password set for ${outcome.value.user.email}. They are signed out everywhere.`,
                }
              : { kind: "error", text: refusalMessage(outcome, "The password was not changed.") },
          );
          return view(target);
        }
        default:
          return "/admin/users";
      }
    },
  });
}
