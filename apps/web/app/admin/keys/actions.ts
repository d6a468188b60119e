// Rotate the signing key now (the previous one stays published until its tokens expire).
"use server";

import { flash, refusalMessage, runConsoleAction } from "@/lib/form-actions";
import { adminApi } from "@/lib/request-context";

export async function rotateSigningKey(): Promise<void> {
  await runConsoleAction({ requireAdmin: true, returnPath: "/admin/keys" }, async (session) => {
    const outcome = await adminApi().keys.rotate(session);
    await flash(
      session,
      outcome.ok
        ? {
            kind: "status",
            text: `Rotated: key ${outcome.value.kid} signs new tokens from now on.`,
          }
        : { kind: "error", text: refusalMessage(outcome, "The key was not rotated.") },
    );
    return "/admin/keys";
  });
}
