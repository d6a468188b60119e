// The audit log: the auth-server's events and the MCP server's tool calls in one timeline, newest
// first, merged here by time (docs/internal-api.md), each source paged by its own cursor.
import type { Metadata } from "next";
import {
  DataTable,
  FilterForm,
  FilterInput,
  FilterSelect,
  Pagination,
} from "@/app/_components/console";
import type { ApiOutcome, AuditEvent, AuditPage } from "@/lib/admin-api";
import {
  type AuditSource,
  END,
  mergeTimeline,
  parseUtcDateTime,
  type SourcePage,
  sourcesFor,
} from "@/lib/audit-timeline";
import { expectOk, requireAdmin } from "@/lib/console-access";
import { formatTimestamp } from "@/lib/display";
import { InternalApiError } from "@/lib/internal-api";
import { AUDIT_EVENT_TYPES } from "@/lib/labels";
import { hrefWith, type SearchParams, single } from "@/lib/pagination";
import { adminApi } from "@/lib/request-context";

export const metadata: Metadata = { title: "Audit log" };

const AUDIT_PAGE_SIZE = 50;
const SOURCE_NAMES: Record<AuditSource, string> = {
  "auth-server": "Auth server",
  "mcp-server": "MCP server",
};

export default async function AuditPageView({ searchParams }: { searchParams: SearchParams }) {
  const parameters = await searchParams;
  const requestedSource = single(parameters.source);
  const source: AuditSource | undefined =
    requestedSource === "auth-server" || requestedSource === "mcp-server"
      ? requestedSource
      : undefined;
  const requestedEvent = single(parameters.event);
  const event = AUDIT_EVENT_TYPES.find((type) => type === requestedEvent);
  const filters = {
    source,
    user: single(parameters.user),
    client: single(parameters.client),
    event,
    tool: single(parameters.tool),
    since: single(parameters.since),
    until: single(parameters.until),
  };
  const here = hrefWith("/admin/audit", filters);
  const session = await requireAdmin(here);
  const positions: Record<AuditSource, string | undefined> = {
    "auth-server": single(parameters.auth),
    "mcp-server": single(parameters.mcp),
  };
  const query = {
    user: filters.user,
    client: filters.client,
    since: parseUtcDateTime(filters.since),
    until: parseUtcDateTime(filters.until),
    limit: AUDIT_PAGE_SIZE,
  };

  const api = adminApi();
  const wanted = sourcesFor(filters).filter((name) => positions[name] !== END);
  let mcpUnavailable = false;
  const [authPage, mcpPage, users] = await Promise.all([
    wanted.includes("auth-server")
      ? api.audit
          .authServer(session, { ...query, event, cursor: positions["auth-server"] })
          .then((outcome) => expectOk(outcome, "auth-server audit log"))
      : undefined,
    wanted.includes("mcp-server")
      ? api.audit
          .mcpServer({ ...query, tool: filters.tool, cursor: positions["mcp-server"] })
          .catch((error: unknown): ApiOutcome<AuditPage<AuditEvent>> | undefined => {
            // The MCP server is a separate process: if it is down, show the auth-server's log
            // and say so, rather than no log at all.
            if (!(error instanceof InternalApiError)) throw error;
            console.error(error);
            mcpUnavailable = true;
            return undefined;
          })
          .then((outcome) => {
            if (!outcome) return undefined;
            if (!outcome.ok) {
              console.error(`MCP server audit log: ${outcome.status} ${outcome.error}`);
              mcpUnavailable = true;
              return undefined;
            }
            return outcome.value;
          })
      : undefined,
    api.users.list(session, { limit: 100 }).then((outcome) => expectOk(outcome, "users")),
  ]);
  const pages: Partial<Record<AuditSource, SourcePage<AuditEvent>>> = {};
  if (authPage) pages["auth-server"] = authPage;
  if (mcpPage) pages["mcp-server"] = mcpPage;
  const merged = mergeTimeline<AuditEvent>(pages, positions, AUDIT_PAGE_SIZE);
  const emails = new Map(users.items.map((user) => [user.id, user.email]));
  const firstPage = positions["auth-server"] === undefined && positions["mcp-server"] === undefined;

  return (
    <section className="card" aria-labelledby="audit-heading">
      <h1 id="audit-heading">Audit log</h1>
      <p className="lead">
        Sign-ins, consents, tokens and admin changes from the auth server, and tool calls from the
        MCP server, newest first. Times are UTC.
      </p>
      <FilterForm action="/admin/audit" label="Filter the audit log" clearHref="/admin/audit">
        <FilterSelect
          id="source"
          label="Source"
          value={source}
          options={[
            { value: "", label: "Both" },
            { value: "auth-server", label: "Auth server" },
            { value: "mcp-server", label: "MCP server" },
          ]}
        />
        <FilterSelect
          id="user"
          label="User"
          value={filters.user}
          options={[
            { value: "", label: "Anyone" },
            ...users.items.map((user) => ({ value: user.id, label: user.email })),
          ]}
        />
        <FilterInput id="client" label="Client ID" value={filters.client} verbatim />
        <FilterSelect
          id="event"
          label="Event"
          value={event}
          options={[
            { value: "", label: "Any event" },
            ...AUDIT_EVENT_TYPES.map((type) => ({ value: type, label: type })),
          ]}
        />
        <FilterInput id="tool" label="Tool" value={filters.tool} verbatim />
        <FilterInput id="since" label="From (UTC)" value={filters.since} type="datetime-local" />
        <FilterInput id="until" label="Until (UTC)" value={filters.until} type="datetime-local" />
      </FilterForm>
      {mcpUnavailable ? (
        <p className="notice" role="note">
          The MCP server's tool-call log could not be read just now; only the auth server's events
          are shown.
        </p>
      ) : null}
      <DataTable
        caption="Audit events, newest first"
        columns={["Time", "Event", "Outcome", "Client", "User", "Details"]}
        rows={merged.rows}
        empty="No event matches these filters."
      >
        {(row) => (
          <tr key={`${row.source} ${row.cursor}`}>
            <td className="nowrap">{formatTimestamp(row.occurredAt)}</td>
            <th scope="row">
              <code className="nowrap">{row.event}</code>
              <br />
              <span className="hint">{SOURCE_NAMES[row.source]}</span>
            </th>
            <td>{row.outcome ?? "—"}</td>
            <td>{row.clientId ? <code>{row.clientId}</code> : "—"}</td>
            <td>{who(row, emails)}</td>
            <td>
              <Details row={row} />
            </td>
          </tr>
        )}
      </DataTable>
      <Pagination
        label="Audit log pages"
        summary={`${merged.rows.length} event${merged.rows.length === 1 ? "" : "s"} on this page`}
        previousHref={firstPage ? undefined : here}
        nextHref={
          merged.next
            ? hrefWith("/admin/audit", {
                ...filters,
                auth: merged.next["auth-server"],
                mcp: merged.next["mcp-server"],
              })
            : undefined
        }
      />
    </section>
  );
}

function who(row: AuditEvent, emails: Map<string, string>) {
  const subject = row.subject ? (emails.get(row.subject) ?? row.subject) : undefined;
  const actor =
    row.source === "auth-server" && row.actorUserId
      ? (emails.get(row.actorUserId) ?? row.actorUserId)
      : undefined;
  if (!subject && !actor) return "—";
  return (
    <>
      {subject ? <span>{subject}</span> : null}
      {actor && actor !== subject ? <span className="hint"> by {actor}</span> : null}
    </>
  );
}

function Details({ row }: { row: AuditEvent }) {
  const entries: [string, string][] = [];
  if (row.source === "mcp-server") {
    if (row.tool) entries.push(["tool", row.tool]);
    if (row.scopes) entries.push(["scopes", row.scopes]);
    if (row.durationMs !== null && row.durationMs !== undefined)
      entries.push(["duration", `${row.durationMs} ms`]);
    if (row.error) entries.push(["error", row.error]);
  } else {
    for (const [key, value] of Object.entries(row.details ?? {})) {
      entries.push([key, typeof value === "string" ? value : JSON.stringify(value)]);
    }
    if (row.ipAddress) entries.push(["address", row.ipAddress]);
  }
  if (entries.length === 0) return <>—</>;
  return (
    <ul className="inline-list">
      {entries.map(([key, value]) => (
        <li key={key}>
          <span className="hint">{key}:</span> <code>{value}</code>
        </li>
      ))}
    </ul>
  );
}
