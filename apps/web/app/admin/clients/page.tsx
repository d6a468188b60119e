// Clients: every app registered here, newest first, filtered by how it registered.
import type { Metadata } from "next";
import Link from "next/link";
import {
  DataTable,
  EnabledBadge,
  FilterForm,
  FilterSelect,
  FlashMessage,
  OffsetPagination,
} from "@/app/_components/console";
import { expectOk, requireAdmin } from "@/lib/console-access";
import { formatAge, formatTimestamp } from "@/lib/display";
import { readFlash } from "@/lib/form-actions";
import { REGISTRATION_TYPE_FILTERS, registrationTypeLabel } from "@/lib/labels";
import { hrefWith, PAGE_SIZE, parseOffset, type SearchParams, single } from "@/lib/pagination";
import { adminApi } from "@/lib/request-context";

export const metadata: Metadata = { title: "Clients" };

export default async function ClientsPage({ searchParams }: { searchParams: SearchParams }) {
  const session = await requireAdmin("/admin/clients");
  const parameters = await searchParams;
  const requestedType = single(parameters.type);
  const type = REGISTRATION_TYPE_FILTERS.some((filter) => filter.value === requestedType)
    ? requestedType
    : undefined;
  const offset = parseOffset(single(parameters.offset));
  const [clients, flash] = await Promise.all([
    adminApi()
      .clients.list(session, { type, limit: PAGE_SIZE, offset })
      .then((outcome) => expectOk(outcome, "clients")),
    readFlash(session),
  ]);
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
        <FilterForm action="/admin/clients">
          <FilterSelect
            id="type"
            label="Registration"
            value={type}
            options={[{ value: "", label: "All clients" }, ...REGISTRATION_TYPE_FILTERS]}
          />
        </FilterForm>
        <DataTable
          caption={`Clients${type ? `: ${registrationTypeLabel(type)}` : ""}, newest first`}
          columns={["Client", "Type", "Created", "Last used", "Status"]}
          rows={clients.items}
          empty={type ? "No client registered this way." : "No client is registered yet."}
        >
          {(client) => (
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
                  {client.confidential ? "Confidential" : "Public"} · {client.grantTypes.join(", ")}
                </span>
              </td>
              <td>{formatTimestamp(client.createdAt)}</td>
              <td>{formatAge(client.lastUsedAt)}</td>
              <td>
                <EnabledBadge disabledAt={client.disabledAt} />
              </td>
            </tr>
          )}
        </DataTable>
        <OffsetPagination
          label="Client pages"
          path="/admin/clients"
          filters={{ type }}
          page={clients}
        />
      </section>
    </>
  );
}
