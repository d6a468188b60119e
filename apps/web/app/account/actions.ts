// The connected-apps page's actions: end an app's access to the signed-in person's account, and sign
// out everywhere.
"use server";

import { flash, refusalMessage, runConsoleAction, textInput } from "@/lib/form-actions";
import { adminApi, endSession } from "@/lib/request-context";

const ACCOUNT = { requireAdmin: false, returnPath: "/account" } as const;

/** Bound to the app's client id and the name the page showed for it. */
export async function disconnectApp(clientId: unknown, name: unknown): Promise<void> {
  const app = textInput(clientId);
  const appName = textInput(name);
  await runConsoleAction(ACCOUNT, async (session) => {
    const outcome = await adminApi().account.revoke(session, app);
    await flash(
      session,
      outcome.ok
        ? {
            kind: "status",
            text: `Disconnected ${appName || "the app"}. It no longer has access to your account.`,
          }
        : { kind: "error", text: refusalMessage(outcome, "The app could not be disconnected.") },
    );
    return "/account";
  });
}

/**
 * Ends every session of the signed-in person, this one included, and forgets their remembered
 * consents (docs/internal-api.md). Only ever the person's own: it takes no target.
 */
export async function signOutEverywhere(): Promise<void> {
  await runConsoleAction(ACCOUNT, async (session) => {
    const outcome = await adminApi().account.signOutEverywhere(session);
    if (!outcome.ok) {
      await flash(session, {
        kind: "error",
        text: refusalMessage(outcome, "You could not be signed out everywhere."),
      });
      return "/account";
    }
    // The auth-server already refuses this session; the cookie goes too.
    await endSession();
    return `/login?${new URLSearchParams({ next: "/account", notice: "signed-out-everywhere" })}`;
  });
}
