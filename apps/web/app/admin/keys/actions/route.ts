// Rotate the signing key now (the previous one stays published until its tokens expire).
import { handleConsoleForm, refusalMessage } from "../../../../lib/console-forms";
import { adminApi } from "../../../../lib/request-context";

export function POST(request: Request): Promise<Response> {
  return handleConsoleForm(request, {
    requireAdmin: true,
    returnPath: "/admin/keys",
    async perform({ session, action, flash }) {
      if (action !== "rotate") return "/admin/keys";
      const outcome = await adminApi().keys.rotate(session);
      await flash(
        outcome.ok
          ? {
              kind: "status",
              text: `Rotated: key ${outcome.value.kid} signs new tokens from now on.`,
            }
          : { kind: "error", text: refusalMessage(outcome, "The key was not rotated.") },
      );
      return "/admin/keys";
    },
  });
}
