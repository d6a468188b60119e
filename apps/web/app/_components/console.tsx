// Building blocks shared by the admin console and the connected-apps page.
import Link from "next/link";
import type { ReactNode } from "react";
import type { Flash } from "@/lib/flash";
import { hrefWith, offsetWindow } from "@/lib/pagination";

/** What to show when a list has no rows: a sentence, never an empty table. */
export function EmptyState({ children }: { children: ReactNode }) {
  return (
    <div className="empty-state">
      <p>{children}</p>
    </div>
  );
}

/** The outcome of the last action, announced politely to screen readers. */
export function StatusMessage({ children }: { children: ReactNode }) {
  return (
    <div className="status-message" role="status">
      <p>{children}</p>
    </div>
  );
}

/** The one-time message an action left (lib/flash.ts); a new secret is shown in full, once. */
export function FlashMessage({ flash }: { flash: Flash | undefined }) {
  if (!flash) return null;
  if (flash.kind === "error") {
    return (
      <p className="alert" role="alert">
        {flash.text}
      </p>
    );
  }
  if (flash.kind === "status") return <StatusMessage>{flash.text}</StatusMessage>;
  return (
    <section className="card notice" aria-labelledby="secret-heading" role="status">
      <h2 id="secret-heading">{flash.text}</h2>
      <p>
        Copy the secret of <code>{flash.clientId}</code> now: it is shown only this once, and the
        server keeps only a digest of it.
      </p>
      <label htmlFor="client-secret">Client secret</label>
      <output id="client-secret" className="secret-box">
        <code data-testid="client-secret">{flash.clientSecret}</code>
      </output>
    </section>
  );
}

/** A Server Action as a form's `action`, with what it acts on already bound in (`.bind`). */
export type FormAction = (form: FormData) => Promise<void>;

/**
 * A form that performs one action on one thing: a button for a Server Action whose target is bound
 * in (lib/form-actions.ts). The action ends in a redirect, so a reload never repeats it.
 */
export function ActionForm({
  action,
  children,
  className = "button",
  label,
}: {
  action: FormAction;
  children: ReactNode;
  className?: string;
  /** An accessible name when the visible text is ambiguous in a table ("Revoke" what?). */
  label?: string;
}) {
  return (
    <form action={action}>
      <button type="submit" className={className} aria-label={label}>
        {children}
      </button>
    </form>
  );
}

/**
 * The confirmation step before a destructive action: its own screen, reached by a link, holding the
 * only form that performs it. No script dialog: it works without JavaScript and with any reader.
 */
export function ConfirmStep({
  title,
  children,
  action,
  confirmLabel,
  cancelHref,
}: {
  title: ReactNode;
  children: ReactNode;
  action: FormAction;
  confirmLabel: string;
  cancelHref: string;
}) {
  return (
    <section className="card danger-zone" aria-labelledby="confirm-heading">
      <h1 id="confirm-heading">{title}</h1>
      <div className="lead">{children}</div>
      <div className="button-row">
        <ActionForm action={action} className="button button-danger">
          {confirmLabel}
        </ActionForm>
        <Link className="button" href={cancelHref}>
          Cancel
        </Link>
      </div>
    </section>
  );
}

/** Previous and next links for a paginated list, each keeping the list's filters. */
export function Pagination({
  label,
  previousHref,
  nextHref,
  summary,
}: {
  label: string;
  previousHref: string | undefined;
  nextHref: string | undefined;
  summary: ReactNode;
}) {
  if (!previousHref && !nextHref) return <p className="fine-print">{summary}</p>;
  return (
    <nav className="pagination" aria-label={label}>
      <p>{summary}</p>
      <div className="button-row">
        {previousHref ? (
          <Link className="button" href={previousHref} rel="prev">
            Previous page
          </Link>
        ) : null}
        {nextHref ? (
          <Link className="button" href={nextHref} rel="next">
            Next page
          </Link>
        ) : null}
      </div>
    </nav>
  );
}

/** Pagination for a page of an offset-paged API list (lib/pagination.ts). */
export function OffsetPagination({
  label,
  path,
  filters,
  page,
}: {
  label: string;
  path: string;
  filters: Record<string, string | undefined>;
  page: { items: unknown[]; total: number; limit: number; offset: number };
}) {
  const window = offsetWindow({ ...page, shown: page.items.length });
  return (
    <Pagination
      label={label}
      summary={`Showing ${window.from}–${window.to} of ${window.total}`}
      previousHref={
        window.previousOffset === undefined
          ? undefined
          : // The first page is the list's own address, without `offset=0`.
            hrefWith(path, { ...filters, offset: window.previousOffset || undefined })
      }
      nextHref={
        window.nextOffset === undefined
          ? undefined
          : hrefWith(path, { ...filters, offset: window.nextOffset })
      }
    />
  );
}

/**
 * A list as a table: a caption saying what it lists, a header cell per column (`scope="col"`), and a
 * row per item whose first cell is its `scope="row"` header. An empty list is a sentence instead.
 */
export function DataTable<Row>({
  caption,
  columns,
  actionColumn = false,
  rows,
  empty,
  children: renderRow,
}: {
  caption: ReactNode;
  columns: readonly string[];
  /** A last column of per-row buttons, named for screen readers only. */
  actionColumn?: boolean;
  rows: readonly Row[];
  /** What to say when there are no rows; without it, an empty list is an empty table. */
  empty?: ReactNode;
  children: (row: Row) => ReactNode;
}) {
  if (rows.length === 0 && empty !== undefined) return <EmptyState>{empty}</EmptyState>;
  return (
    <div className="table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
            {actionColumn ? (
              <th scope="col">
                <span className="visually-hidden">Action</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>{rows.map((row) => renderRow(row))}</tbody>
      </table>
    </div>
  );
}

/** Enabled or disabled, for a client or a user. */
export function EnabledBadge({ disabledAt }: { disabledAt: string | null }) {
  return disabledAt ? (
    <span className="badge badge-off">Disabled</span>
  ) : (
    <span className="badge badge-ok">Enabled</span>
  );
}

/** Scopes, redirect URIs and other exact values, one per item. */
export function CodeList({ values }: { values: readonly string[] }) {
  return (
    <ul className="inline-list">
      {values.map((value) => (
        <li key={value}>
          <code>{value}</code>
        </li>
      ))}
    </ul>
  );
}

/** A labelled form control: `children` is the control, with `id` as its id. */
export function Field({ id, label, children }: { id: string; label: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
    </div>
  );
}

/**
 * The filters above a list: a GET form, so a filtered list has an address to share and reload. Its
 * fields are named as the page's query parameters.
 */
export function FilterForm({
  action,
  label,
  submitLabel = "Filter",
  clearHref,
  children,
}: {
  action: string;
  /** A name for the form landmark, where the page holds more than one form. */
  label?: string;
  submitLabel?: string;
  /** A link back to the unfiltered list. */
  clearHref?: string;
  children: ReactNode;
}) {
  const submit = (
    <button type="submit" className="button">
      {submitLabel}
    </button>
  );
  return (
    <form method="get" action={action} className="filters" aria-label={label}>
      {children}
      {clearHref ? (
        <div className="button-row">
          {submit}
          <Link className="button" href={clearHref}>
            Clear
          </Link>
        </div>
      ) : (
        submit
      )}
    </form>
  );
}

/** A free-text or date filter; `verbatim` for identifiers, which no spell-checker should mark. */
export function FilterInput({
  id,
  label,
  value,
  type = "text",
  verbatim = false,
}: {
  id: string;
  label: string;
  value: string | undefined;
  type?: "text" | "datetime-local";
  verbatim?: boolean;
}) {
  return (
    <Field id={id} label={label}>
      <input
        id={id}
        name={id}
        type={type}
        defaultValue={value ?? ""}
        spellCheck={verbatim ? false : undefined}
      />
    </Field>
  );
}

/** A choice among fixed values; the first option is usually the unfiltered one (value ""). */
export function FilterSelect({
  id,
  label,
  value,
  options,
}: {
  id: string;
  label: string;
  value: string | undefined;
  options: readonly { value: string; label: string }[];
}) {
  return (
    <Field id={id} label={label}>
      <select id={id} name={id} defaultValue={value ?? ""}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </Field>
  );
}
