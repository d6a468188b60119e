// The client actions: create a machine client, rotate its secret, disable, enable, delete.
"use server";

import type { ClientJwks, CreateClientRequest } from "@repo/contracts/admin-api";
import type { z } from "zod";
import { field, flash, refusalMessage, runConsoleAction, textInput } from "@/lib/form-actions";
import { hrefWith } from "@/lib/pagination";
import { adminApi } from "@/lib/request-context";

const CLIENTS = { requireAdmin: true, returnPath: "/admin/clients" } as const;

function clientPage(clientId: string): string {
  return hrefWith("/admin/clients/view", { id: clientId });
}

type KeyFields = Pick<
  z.input<typeof CreateClientRequest>,
  "tokenEndpointAuthMethod" | "jwks" | "jwksUri"
>;

/**
 * How the new client authenticates: a secret (the default), or private_key_jwt with its public keys
 * pasted as a JWK Set or at a jwks_uri. Whichever key field is filled is sent; the auth-server refuses
 * both or neither, and checks the keys themselves.
 */
function authentication(
  form: FormData,
): { ok: true; value: KeyFields } | { ok: false; text: string } {
  if (field(form, "authMethod") !== "private_key_jwt") return { ok: true, value: {} };
  const pasted = field(form, "jwks");
  const jwksUri = field(form, "jwksUri");
  let jwks: ClientJwks | undefined;
  if (pasted) {
    try {
      // Its shape and every key are checked by the auth-server, which names what it refuses.
      jwks = JSON.parse(pasted) as ClientJwks;
    } catch {
      return { ok: false, text: "The JWK Set is not valid JSON." };
    }
  }
  return {
    ok: true,
    value: {
      tokenEndpointAuthMethod: "private_key_jwt",
      ...(jwks === undefined ? {} : { jwks }),
      ...(jwksUri ? { jwksUri } : {}),
    },
  };
}

/** The new-client form; its secret, if it has one, is shown once, on the client's page. */
export async function createClient(form: FormData): Promise<void> {
  await runConsoleAction(CLIENTS, async (session) => {
    const clientId = field(form, "clientId");
    const keys = authentication(form);
    if (!keys.ok) {
      await flash(session, { kind: "error", text: `The client was not created. ${keys.text}` });
      return "/admin/clients/new";
    }
    const outcome = await adminApi().clients.create(session, {
      name: field(form, "name"),
      allowedScopes: form.getAll("scope").filter((value) => typeof value === "string"),
      ...(clientId ? { clientId } : {}),
      ...keys.value,
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
