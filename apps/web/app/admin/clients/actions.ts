// The client actions: create a machine client, rotate its secret, disable, enable, delete.
"use server";

import { field, flash, refusalMessage, runConsoleAction, textInput } from "@/lib/form-actions";
import { hrefWith } from "@/lib/pagination";
import { adminApi } from "@/lib/request-context";

const CLIENTS = { requireAdmin: true, returnPath: "/admin/clients" } as const;

function clientPage(clientId: string): string {
  return hrefWith("/admin/clients/view", { id: clientId });
}

/** The new-client form; its secret is shown once, on the client's page. */
export async function createClient(form: FormData): Promise<void> {
  await runConsoleAction(CLIENTS, async (session) => {
    const clientId = field(form, "clientId");
    const outcome = await adminApi().clients.create(session, {
      name: field(form, "name"),
      allowedScopes: form.getAll("scope").filter((value) => typeof value === "string"),
      ...(clientId ? { clientId } : {}),
      introspectionAllowed: field(form, "introspectionAllowed") === "true",
    });
    if (!outcome.ok) {
      await flash(session, {
        kind: "error",
        text: refusalMessage(outcome, "The client was not created."),
      });
      return "/admin/clients/new";
    }
    const { client, clientSecret } = outcome.value;
    // A private_key_jwt client has no secret: it signs with its own key.
    await flash(
      session,
      clientSecret === undefined
        ? { kind: "status", text: "Client created; it authenticates with its own key." }
        : { kind: "secret", text: "Client created", clientId: client.clientId, clientSecret },
    );
    return clientPage(client.clientId);
  });
}

/** Bound to the client's id. */
export async function rotateClientSecret(clientId: unknown): Promise<void> {
  const id = textInput(clientId);
  await runConsoleAction(CLIENTS, async (session) => {
    const outcome = await adminApi().clients.rotateSecret(session, id);
    await flash(
      session,
      outcome.ok
        ? {
            kind: "secret",
            text: "Secret rotated",
            clientId: outcome.value.clientId,
            clientSecret: outcome.value.clientSecret,
          }
        : { kind: "error", text: refusalMessage(outcome, "The secret was not rotated.") },
    );
    return clientPage(id);
  });
}

/** Bound to the client's id. Disabling also revokes its grants. */
export async function disableClient(clientId: unknown): Promise<void> {
  await setClientDisabled(textInput(clientId), true);
}

/** Bound to the client's id. */
export async function enableClient(clientId: unknown): Promise<void> {
  await setClientDisabled(textInput(clientId), false);
}

async function setClientDisabled(clientId: string, disabled: boolean): Promise<void> {
  await runConsoleAction(CLIENTS, async (session) => {
    const outcome = await adminApi().clients.setDisabled(session, clientId, disabled);
    const done = disabled ? "disabled" : "enabled";
    await flash(
      session,
      outcome.ok
        ? {
            kind: "status",
            text: disabled ? "Client disabled; its grants are revoked." : "Client enabled.",
          }
        : { kind: "error", text: refusalMessage(outcome, `The client was not ${done}.`) },
    );
    return clientPage(clientId);
  });
}

/** Bound to the client's id. */
export async function deleteClient(clientId: unknown): Promise<void> {
  const id = textInput(clientId);
  await runConsoleAction(CLIENTS, async (session) => {
    const outcome = await adminApi().clients.delete(session, id);
    if (!outcome.ok) {
      await flash(session, {
        kind: "error",
        text: refusalMessage(outcome, "The client was not deleted."),
      });
      return clientPage(id);
    }
    await flash(session, {
      kind: "status",
      text: `Client ${outcome.value.clientId} deleted; ${outcome.value.revokedGrants} grant(s) revoked.`,
    });
    return "/admin/clients";
  });
}
