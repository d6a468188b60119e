// The grant forms: revoke one refresh-token family, or all grants and consents for a user and/or app.
import { field, handleConsoleForm, refusalMessage } from "../../../../lib/console-forms";
import { adminApi } from "../../../../lib/request-context";
import { safeReturnPath } from "../../../../lib/return-path";

export function POST(request: Request): Promise<Response> {
  return handleConsoleForm(request, {
    requireAdmin: true,
    returnPath: "/admin/grants",
    async perform({ session, action, target, form, flash }) {
      const api = adminApi().grants;
      // Back to the list with the filters the admin was looking at (a path of this app only).
      const back = safeReturnPath(field(form, "back")) ?? "/admin/grants";
      if (action === "revoke") {
        const outcome = await api.revoke(session, target);
        await flash(
          outcome.ok
            ? {
                kind: "status",
                text: outcome.value.revoked ? "Grant revoked." : "That grant was already revoked.",
              }
            : { kind: "error", text: refusalMessage(outcome, "The grant was not revoked.") },
        );
        return back;
      }
      if (action === "revoke-all") {
        // The target names the filter the CSRF token was printed for.
        const filter = new URLSearchParams(target);
        const userId = filter.get("user") || undefined;
        const clientId = filter.get("client") || undefined;
        if (!userId && !clientId) return back;
        const outcome = await api.revokeAll(session, {
          ...(userId ? { userId } : {}),
          ...(clientId ? { clientId } : {}),
        });
        await flash(
          outcome.ok
            ? {
                kind: "status",
                text: `Revoked ${outcome.value.revokedGrants} grant(s) and removed ${outcome.value.removedConsents} consent(s).`,
              }
            : { kind: "error", text: refusalMessage(outcome, "Nothing was revoked.") },
        );
        return back;
      }
      return back;
    },
  });
}
