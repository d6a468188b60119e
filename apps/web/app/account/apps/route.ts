// The connected-apps page's one action: end an app's access to the signed-in person's account.
import { field, handleConsoleForm, refusalMessage } from "../../../lib/console-forms";
import { adminApi } from "../../../lib/request-context";

export function POST(request: Request): Promise<Response> {
  return handleConsoleForm(request, {
    requireAdmin: false,
    returnPath: "/account",
    async perform({ session, action, target, form, flash }) {
      if (action !== "revoke-app") return "/account";
      const outcome = await adminApi().account.revoke(session, target);
      const name = field(form, "name");
      await flash(
        outcome.ok
          ? {
              kind: "status",
              text: `Disconnected ${name || "the app"}. It no longer has access to your account.`,
            }
          : { kind: "error", text: refusalMessage(outcome, "The app could not be disconnected.") },
      );
      return "/account";
    },
  });
}
