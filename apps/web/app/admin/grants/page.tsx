// Grants and tokens: refresh-token families and remembered consents, per person and app; revoke one
// family, or everything one person gave one app (or all apps, or everyone gave one app).
import type { Metadata } from "next";
import Link from "next/link";
import {
  CodeList,
  ConfirmStep,
  DataTable,
  FilterForm,
  FilterInput,
  FilterSelect,
  FlashMessage,
  OffsetPagination,
} from "@/app/_components/console";
import type { Grant } from "@/lib/admin-api";
import { expectOk, requireAdmin } from "@/lib/console-access";
import { formatAge, formatTimestamp } from "@/lib/display";
import { readFlash } from "@/lib/form-actions";
import { hrefWith, PAGE_SIZE, parseOffset, type SearchParams, single } from "@/lib/pagination";
import { adminApi } from "@/lib/request-context";
import { revokeAllGrants, revokeGrant } from "./actions";

export const metadata: Metadata = { title: "Grants and tokens" };

const STATUSES = ["active", "revoked", "all"] as const;

export default async function GrantsPage({ searchParams }: { searchParams: SearchParams }) {
  const parameters = await searchParams;
  const user = single(parameters.user);
  const client = single(parameters.client);
  const requestedStatus = single(parameters.status);
  const status = STATUSES.find((candidate) => candidate === requestedStatus) ?? "active";
  const offset = parseOffset(single(parameters.offset));
  const filters = { user, client, status: status === "active" ? undefined : status };
  const here = hrefWith("/admin/grants", filters);
  const session = await requireAdmin(here);

  const api = adminApi().grants;
  const [grants, consents, flash] = await Promise.all([
    api
      .list(session, { user, client, status, limit: PAGE_SIZE, offset })
      .then((outcome) => expectOk(outcome, "grants")),
    api
      .consents(session, { user, client, limit: 100 })
      .then((outcome) => expectOk(outcome, "consents")),
    readFlash(session),
  ]);

  const revoking = single(parameters.revoke);
  if (revoking) {
    const grant = grants.items.find((candidate) => candidate.id === revoking);
    return (
      <ConfirmStep
        title="Revoke this grant?"
        action={revokeGrant.bind(null, revoking, here)}
        confirmLabel="Revoke grant"
        cancelHref={here}
      >
        {grant ? (
          <p>
            <bdi>{grant.client.name ?? grant.client.clientId}</bdi> loses the access{" "}
            {grant.user.email} gave it: its refresh token stops working now and its access tokens
            are reported inactive.
          </p>
        ) : (
          <p>
            Grant <code>{revoking}</code>: its refresh token stops working now and its access tokens
            are reported inactive.
          </p>
        )}
      </ConfirmStep>
    );
  }
  if (single(parameters.confirm) === "revoke-all" && (user || client)) {
    return (
      <ConfirmStep
        title="Revoke every grant shown?"
        action={revokeAllGrants.bind(null, user ?? "", client ?? "", here)}
        confirmLabel="Revoke all"
        cancelHref={here}
      >
        <p>
          Every live grant and remembered consent {describeFilter(grants.items, user, client)} ends
          now. The apps must ask for consent again.
        </p>
      </ConfirmStep>
    );
  }

  return (
    <>
      <FlashMessage flash={flash} />
      <section className="card" aria-labelledby="grants-heading">
        <div className="section-heading">
          <h1 id="grants-heading">Grants and tokens</h1>
          {user || client ? (
            <Link
              className="button button-danger"
              href={hrefWith("/admin/grants", { ...filters, confirm: "revoke-all" })}
            >
              Revoke all…
            </Link>
          ) : null}
        </div>
        <p className="lead">
          A grant is everything issued from one authorization code: a refresh-token family and the
          access tokens it produced.
        </p>
        <FilterForm action="/admin/grants">
          <FilterInput id="user" label="User ID" value={user} verbatim />
          <FilterInput id="client" label="Client ID" value={client} verbatim />
          <FilterSelect
            id="status"
            label="Status"
            value={status}
            options={[
              { value: "active", label: "Active" },
              { value: "revoked", label: "Revoked" },
              { value: "all", label: "All" },
            ]}
          />
        </FilterForm>
        <DataTable
          caption={`Refresh-token families (${status}), most recently used first`}
          columns={["App", "User", "Scopes", "Created", "Last used", "Status"]}
          actionColumn
          rows={grants.items}
          empty={`No ${status === "all" ? "" : `${status} `}grant matches these filters.`}
        >
          {(grant) => <GrantRow key={grant.id} grant={grant} filters={filters} />}
        </DataTable>
        <OffsetPagination
          label="Grant pages"
          path="/admin/grants"
          filters={filters}
          page={grants}
        />
      </section>

      <section className="card" aria-labelledby="consents-heading">
        <h2 id="consents-heading">Remembered consents</h2>
        <p className="lead">
          What lets a later request for the same scopes skip the consent screen.
        </p>
        <DataTable
          caption={`Remembered consents (${consents.total})`}
          columns={["App", "User", "Scopes", "Resource", "Updated"]}
          rows={consents.items}
          empty="No remembered consent matches these filters."
        >
          {(consent) => (
            <tr key={`${consent.user.id} ${consent.client.clientId} ${consent.resource}`}>
              <th scope="row">
                <Link href={hrefWith("/admin/grants", { client: consent.client.clientId })}>
                  <bdi className="client-name">
                    {consent.client.name ?? consent.client.clientId}
                  </bdi>
                </Link>
              </th>
              <td>
                <Link href={hrefWith("/admin/grants", { user: consent.user.id })}>
                  {consent.user.email}
                </Link>
              </td>
              <td>
                <CodeList values={consent.scopes} />
              </td>
              <td>
                <code>{consent.resource}</code>
              </td>
              <td>{formatTimestamp(consent.updatedAt)}</td>
            </tr>
          )}
        </DataTable>
      </section>
    </>
  );
}

function describeFilter(
  grants: Grant[],
  user: string | undefined,
  client: string | undefined,
): string {
  const email = grants.find((grant) => grant.user.id === user)?.user.email ?? user;
  const app = grants.find((grant) => grant.client.clientId === client)?.client;
  const appName = app ? (app.name ?? app.clientId) : client;
  if (user && client) return `of ${email} with ${appName}`;
  if (user) return `of ${email}, with every app,`;
  return `of every user with ${appName}`;
}

function GrantRow({
  grant,
  filters,
}: {
  grant: Grant;
  filters: Record<string, string | undefined>;
}) {
  const appName = grant.client.name ?? grant.client.clientId;
  return (
    <tr>
      <th scope="row">
        <Link href={hrefWith("/admin/grants", { client: grant.client.clientId })}>
          <bdi className="client-name">{appName}</bdi>
        </Link>
        <br />
        <code className="hint">{grant.resource}</code>
      </th>
      <td>
        <Link href={hrefWith("/admin/grants", { user: grant.user.id })}>{grant.user.email}</Link>
      </td>
      <td>
        <CodeList values={grant.scopes} />
      </td>
      <td>{formatTimestamp(grant.createdAt)}</td>
      <td>{formatAge(grant.lastUsedAt)}</td>
      <td>
        {grant.revokedAt ? (
          <span className="badge badge-off">Revoked {formatTimestamp(grant.revokedAt)}</span>
        ) : (
          <span className="badge badge-ok">Active</span>
        )}
      </td>
      <td>
        {grant.revokedAt ? null : (
          <Link
            className="button button-small"
            href={hrefWith("/admin/grants", { ...filters, revoke: grant.id })}
            aria-label={`Revoke the grant of ${grant.user.email} to ${appName}`}
          >
            Revoke…
          </Link>
        )}
      </td>
    </tr>
  );
}
