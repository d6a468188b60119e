// One client: its registration, what it may get, and the actions on it (each destructive one behind
// a confirmation step).
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ActionForm, CodeList, ConfirmStep, FlashMessage } from "@/app/_components/console";
import {
  deleteClient,
  disableClient,
  enableClient,
  rotateClientSecret,
} from "@/app/admin/clients/actions";
import type { ClientDetail } from "@/lib/admin-api";
import { expectOk, requireAdmin } from "@/lib/console-access";
import { formatAge, formatTimestamp } from "@/lib/display";
import { readFlash } from "@/lib/form-actions";
import { registrationTypeLabel } from "@/lib/labels";
import { hrefWith, type SearchParams, single } from "@/lib/pagination";
import { adminApi } from "@/lib/request-context";

export const metadata: Metadata = { title: "Client" };

export default async function ClientPage({ searchParams }: { searchParams: SearchParams }) {
  const parameters = await searchParams;
  const clientId = single(parameters.id);
  const session = await requireAdmin(hrefWith("/admin/clients/view", { id: clientId }));
  if (!clientId) notFound();
  const [{ client }, flash] = await Promise.all([
    adminApi()
      .clients.get(session, clientId)
      .then((outcome) => expectOk(outcome, "client")),
    readFlash(session),
  ]);
  const here = hrefWith("/admin/clients/view", { id: client.clientId });
  const name = client.name ?? client.clientId;

  const confirm = single(parameters.confirm);
  if (confirm === "delete") {
    return (
      <ConfirmStep
        title={
          <>
            Delete <bdi>{name}</bdi>?
          </>
        }
        action={deleteClient.bind(null, client.clientId)}
        confirmLabel="Delete client"
        cancelHref={here}
      >
        <p>
          Its {client.activeGrants} active grant(s) are revoked, then the client is deleted with its
          consents and refresh tokens. This cannot be undone.
          {client.registrationType === "metadata_document"
            ? " A metadata-document client comes back the next time its URL is used: disable it to block it."
            : ""}
        </p>
      </ConfirmStep>
    );
  }
  if (confirm === "disable") {
    return (
      <ConfirmStep
        title={
          <>
            Disable <bdi>{name}</bdi>?
          </>
        }
        action={disableClient.bind(null, client.clientId)}
        confirmLabel="Disable client"
        cancelHref={here}
      >
        <p>
          The client can no longer get tokens or start a sign-in, and its {client.activeGrants}{" "}
          active grant(s) are revoked now. Enabling it later does not bring them back.
        </p>
      </ConfirmStep>
    );
  }
  if (confirm === "rotate") {
    return (
      <ConfirmStep
        title={
          <>
            Rotate the secret of <bdi>{name}</bdi>?
          </>
        }
        action={rotateClientSecret.bind(null, client.clientId)}
        confirmLabel="Rotate secret"
        cancelHref={here}
      >
        <p>
          The current secret stops working at once. The new one is shown once, on the next page.
        </p>
      </ConfirmStep>
    );
  }

  return (
    <>
      <FlashMessage flash={flash} />
      <section className="card" aria-labelledby="client-heading">
        <h1 id="client-heading">
          <bdi className="client-name">{name}</bdi>{" "}
          {client.disabledAt ? <span className="badge badge-off">Disabled</span> : null}
        </h1>
        <dl className="details">
          <dt>Client ID</dt>
          <dd>
            <code>{client.clientId}</code>
          </dd>
          <dt>Type</dt>
          <dd>
            {registrationTypeLabel(client.registrationType)},{" "}
            {client.confidential ? "confidential" : "public"} (
            <code>{client.tokenEndpointAuthMethod}</code>)
          </dd>
          <dt>Created</dt>
          <dd>{formatTimestamp(client.createdAt)}</dd>
          <dt>Last used</dt>
          <dd>{formatAge(client.lastUsedAt)}</dd>
          <dt>Active grants</dt>
          <dd>
            <Link href={hrefWith("/admin/grants", { client: client.clientId })}>
              {client.activeGrants}
            </Link>
          </dd>
          <dt>Grant types</dt>
          <dd>{list(client.grantTypes)}</dd>
          <dt>Redirect URIs</dt>
          <dd>{list(client.redirectUris)}</dd>
          <dt>Allowed scopes</dt>
          <dd>
            {client.allowedScopes
              ? list(client.allowedScopes)
              : "Not capped: the person's consent decides"}
          </dd>
          <dt>Allowed resources</dt>
          <dd>{client.allowedResources ? list(client.allowedResources) : "Not capped"}</dd>
          {client.jwksUri || client.jwks ? (
            <>
              <dt>Signing keys</dt>
              <dd>
                {client.jwksUri ? (
                  <>
                    Fetched from <code>{client.jwksUri}</code>
                  </>
                ) : (
                  list(client.jwks?.keys.map((key) => String(key.kid ?? "(no kid)")))
                )}
              </dd>
            </>
          ) : null}
          <dt>Token introspection</dt>
          <dd>
            {client.introspectionAllowed
              ? "Allowed: a resource server that may call /introspect"
              : "Not allowed"}
          </dd>
          {client.scope ? (
            <>
              <dt>Registered scope</dt>
              <dd>
                <code>{client.scope}</code>
              </dd>
            </>
          ) : null}
        </dl>
        <p>
          <Link href={hrefWith("/admin/audit", { client: client.clientId })}>
            This client in the audit log
          </Link>
        </p>
      </section>
      <ClientActions client={client} />
    </>
  );
}

function list(values: readonly string[] | null | undefined) {
  if (!values || values.length === 0) return "None";
  return <CodeList values={values} />;
}

function ClientActions({ client }: { client: ClientDetail }) {
  if (client.configured && client.clientId === "web") {
    return (
      <section className="card" aria-labelledby="actions-heading">
        <h2 id="actions-heading">Actions</h2>
        <p className="lead">
          This is the web app's own client: its secret comes from the environment, and disabling or
          deleting it would lock everyone out.
        </p>
      </section>
    );
  }
  const confirmHref = (confirm: string) =>
    hrefWith("/admin/clients/view", { id: client.clientId, confirm });
  return (
    <section className="card" aria-labelledby="actions-heading">
      <h2 id="actions-heading">Actions</h2>
      <div className="button-row">
        {client.confidential &&
        !client.configured &&
        client.tokenEndpointAuthMethod !== "private_key_jwt" ? (
          <Link className="button" href={confirmHref("rotate")}>
            Rotate secret…
          </Link>
        ) : null}
        {client.disabledAt ? (
          <ActionForm action={enableClient.bind(null, client.clientId)}>Enable</ActionForm>
        ) : (
          <Link className="button" href={confirmHref("disable")}>
            Disable…
          </Link>
        )}
        <Link className="button button-danger" href={confirmHref("delete")}>
          Delete…
        </Link>
      </div>
      {client.configured ? (
        <p className="fine-print">
          This client's secret comes from the environment; change it there, not here.
        </p>
      ) : null}
    </section>
  );
}
