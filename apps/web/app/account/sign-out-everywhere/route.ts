// "Sign out everywhere" on the connected-apps page: ends every session of the signed-in person, this
// one included, and forgets their remembered consents (docs/internal-api.md).
import { handleConsoleForm, refusalMessage } from "../../../lib/console-forms";
import { adminApi, endSession } from "../../../lib/request-context";

export function POST(request: Request): Promise<Response> {
  return handleConsoleForm(request, {
    requireAdmin: false,
    returnPath: "/account",
    async perform({ session, action, target, flash }) {
      // The CSRF token names the person it was printed for: another session's token does nothing.
      if (action !== "sign-out-everywhere" || target !== session.userId) return "/account";
      const outcome = await adminApi().account.signOutEverywhere(session);
      if (!outcome.ok) {
        await flash({
          kind: "error",
          text: refusalMessage(outcome, "You could not be signed out everywhere."),
        });
        return "/account";
      }
      // The auth-server already refuses this session; the cookie goes too.
      await endSession();
      return `/login?${new URLSearchParams({ next: "/account", notice: "signed-out-everywhere" })}`;
    },
  });
}
