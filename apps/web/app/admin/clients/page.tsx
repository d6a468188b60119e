// Clients: every app registered here, newest first, filtered by how it registered.
import type { Metadata } from "next";
import Link from "next/link";
import { expectOk, requireAdmin } from "../../../lib/console-access";
import { readFlash } from "../../../lib/console-forms";
import { formatAge, formatTimestamp } from "../../../lib/display";
import { REGISTRATION_TYPE_FILTERS, registrationTypeLabel } from "../../../lib/labels";
import { hrefWith, offsetWindow, PAGE_SIZE, parseOffset, single } from "../../../lib/pagination";
import { adminApi } from "../../../lib/request-context";
import { EmptyState, FlashMessage, Pagination } from "../../_components/console";

export const metadata: Metadata = { title: "Clients" };

export default async function ClientsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const session = await requireAdmin("/admin/clients");
  const parameters = await searchParams;
  const requestedType = single(parameters.type);
  const type = REGISTRATION_TYPE_FILTERS.some((filter) => filter.value === requestedType)
    ? requestedType
    : undefined;
  const offset = parseOffset(single(parameters.offset));
  const [clients, flash] = await Promise.all([
    adminApi()
      .clients.list(session.userId, { type, limit: PAGE_SIZE, offset })
      .then((outcome) => expectOk(outcome, "clients")),
    readFlash(session),
  ]);
  const window = offsetWindow({ ...clients, shown: clients.items.length });
  return (
    <>
      <FlashMessage flash={flash} />
      <section className="card" aria-labelledby="clients-heading">
        <div className="section-heading">
          <h1 id="clients-heading">Clients</h1>
          <Link className="button button-primary" href="/admin/clients/new">
            Create a machine client
          </Link>
        </div>
        <form method="get" action="/admin/clients" className="filters">
          <div className="field">
            <label htmlFor="type">Registration</label>
            <select id="type" name="type" defaultValue={type ?? ""}>
              <option value="">All clients</option>
              {REGISTRATION_TYPE_FILTERS.map((filter) => (
                <option key={filter.value} value={filter.value}>
                  {filter.label}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button">
            Filter
          </button>
        </form>
        {clients.items.length === 0 ? (
          <EmptyState>
            {type ? "No client registered this way." : "No client is registered yet."}
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table>
              <caption>
                Clients{type ? `: ${registrationTypeLabel(type)}` : ""}, newest first
              </caption>
              <thead>
                <tr>
                  <th scope="col">Client</th>
                  <th scope="col">Type</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {clients.items.map((client) => (
                  <tr key={client.clientId}>
                    <th scope="row">
                      <Link href={hrefWith("/admin/clients/view", { id: client.clientId })}>
                        <bdi className="client-name">{client.name ?? client.clientId}</bdi>
                      </Link>
                      <br />
                      <code>{client.clientId}</code>
                    </th>
                    <td>
                      {registrationTypeLabel(client.registrationType)}
                      <br />
                      <span className="hint">
                        {client.confidential ? "Confidential" : "Public"} ·{" "}
                        {client.grantTypes.join(", ")}
                      </span>
                    </td>
                    <td>{formatTimestamp(client.createdAt)}</td>
                    <td>{formatAge(client.lastUsedAt)}</td>
                    <td>
                      {client.disabledAt ? (
                        <span className="badge badge-off">Disabled</span>
                      ) : (
                        <span className="badge badge-ok">Enabled</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pagination
          label="Client pages"
          summary={`Showing ${window.from}–${window.to} of ${window.total}`}
          previousHref={
            window.previousOffset === undefined
              ? undefined
              : hrefWith("/admin/clients", { type, offset: window.previousOffset || undefined })
          }
          nextHref={
            window.nextOffset === undefined
              ? undefined
              : hrefWith("/admin/clients", { type, offset: window.nextOffset })
          }
        />
      </section>
    </>
  );
}
