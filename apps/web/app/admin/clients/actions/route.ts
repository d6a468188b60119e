// The client forms: create a machine client, rotate its secret, disable, enable, delete.
import { field, handleConsoleForm, refusalMessage } from "../../../../lib/console-forms";
import { hrefWith } from "../../../../lib/pagination";
import { adminApi } from "../../../../lib/request-context";

export function POST(request: Request): Promise<Response> {
  return handleConsoleForm(request, {
    requireAdmin: true,
    returnPath: "/admin/clients",
    async perform({ session, action, target, form, flash }) {
      const api = adminApi().clients;
      const view = (clientId: string) => hrefWith("/admin/clients/view", { id: clientId });
      switch (action) {
        case "create": {
          const clientId = field(form, "clientId");
          const outcome = await api.create(session, {
            name: field(form, "name"),
            allowedScopes: form.getAll("scope").filter((value) => typeof value === "string"),
            ...(clientId ? { clientId } : {}),
            introspectionAllowed: field(form, "introspectionAllowed") === "true",
          });
          if (!outcome.ok) {
            await flash({
              kind: "error",
              text: refusalMessage(outcome, "The client was not created."),
            });
            return "/admin/clients/new";
          }
          const { client, clientSecret } = outcome.value;
          await flash({
            kind: "secret",
            text: "Client created",
            clientId: client.clientId,
            clientSecret,
          });
          return view(client.clientId);
        }
        case "rotate-secret": {
          const outcome = await api.rotateSecret(session, target);
          if (!outcome.ok) {
            await flash({
              kind: "error",
              text: refusalMessage(outcome, "The secret was not rotated."),
            });
            return view(target);
          }
          await flash({
            kind: "secret",
            text: "Secret rotated",
            clientId: outcome.value.clientId,
            clientSecret: outcome.value.clientSecret,
          });
          return view(target);
        }
        case "disable":
        case "enable": {
          const outcome = await api.setDisabled(session, target, action === "disable");
          await flash(
            outcome.ok
              ? {
                  kind: "status",
                  text:
                    action === "disable"
                      ? "Client disabled; its grants are revoked."
                      : "Client enabled.",
                }
              : { kind: "error", text: refusalMessage(outcome, `The client was not ${action}d.`) },
          );
          return view(target);
        }
        case "delete": {
          const outcome = await api.delete(session, target);
          if (!outcome.ok) {
            await flash({
              kind: "error",
              text: refusalMessage(outcome, "The client was not deleted."),
            });
            return view(target);
          }
          await flash({
            kind: "status",
            text: `Client ${outcome.value.clientId} deleted; ${outcome.value.revokedGrants} grant(s) revoked.`,
          });
          return "/admin/clients";
        }
        default:
          return "/admin/clients";
      }
    },
  });
}
