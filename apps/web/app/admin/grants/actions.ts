// The grant actions: revoke one refresh-token family, or all grants and consents for a user and/or app.
"use server";

import { flash, refusalMessage, runConsoleAction, textInput } from "@/lib/form-actions";
import { adminApi } from "@/lib/request-context";
import { safeReturnPath } from "@/lib/return-path";

const GRANTS = { requireAdmin: true, returnPath: "/admin/grants" } as const;

/** Back to the list with the filters the admin was looking at (a path of this app only). */
function backTo(back: unknown): string {
  return safeReturnPath(back) ?? "/admin/grants";
}

/** Bound to the grant's id and the filtered list to return to. */
export async function revokeGrant(grantId: unknown, back: unknown): Promise<void> {
  const id = textInput(grantId);
  await runConsoleAction(GRANTS, async (session) => {
    const outcome = await adminApi().grants.revoke(session, id);
    await flash(
      session,
      outcome.ok
        ? {
            kind: "status",
            text: outcome.value.revoked ? "Grant revoked." : "That grant was already revoked.",
          }
        : { kind: "error", text: refusalMessage(outcome, "The grant was not revoked.") },
    );
    return backTo(back);
  });
}

/** Bound to the filter the confirmation showed: a user id, a client id, or both ("" for neither). */
export async function revokeAllGrants(
  user: unknown,
  client: unknown,
  back: unknown,
): Promise<void> {
  const userId = textInput(user) || undefined;
  const clientId = textInput(client) || undefined;
  await runConsoleAction(GRANTS, async (session) => {
    if (!userId && !clientId) return backTo(back);
    const outcome = await adminApi().grants.revokeAll(session, {
      ...(userId ? { userId } : {}),
      ...(clientId ? { clientId } : {}),
    });
    await flash(
      session,
      outcome.ok
        ? {
            kind: "status",
            text: `Revoked ${outcome.value.revokedGrants} grant(s) and removed ${outcome.value.removedConsents} consent(s).`,
          }
        : { kind: "error", text: refusalMessage(outcome, "Nothing was revoked.") },
    );
    return backTo(back);
  });
}
