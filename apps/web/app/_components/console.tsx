// Building blocks shared by the admin console and the connected-apps page.
import Link from "next/link";
import type { ReactNode } from "react";
import { csrfToken } from "../../lib/csrf";
import type { Flash } from "../../lib/flash";
import type { Session } from "../../lib/session";

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

/** The one-time message a form handler left (lib/flash.ts); a new secret is shown in full, once. */
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

/**
 * A form that POSTs one action on one thing. Its CSRF token is bound to both (csrf.ts), and the
 * handler answers 303, so a reload never repeats the action.
 */
export function ActionForm({
  session,
  endpoint,
  action,
  target,
  fields = {},
  children,
  className = "button",
  label,
}: {
  session: Session;
  endpoint: string;
  action: string;
  target: string;
  fields?: Record<string, string>;
  children: ReactNode;
  className?: string;
  /** An accessible name when the visible text is ambiguous in a table ("Revoke" what?). */
  label?: string;
}) {
  return (
    <form method="post" action={endpoint}>
      <input type="hidden" name="action" value={action} />
      <input type="hidden" name="target" value={target} />
      <input
        type="hidden"
        name="csrf"
        value={csrfToken(session.csrfSecret, { form: "action", action, target })}
      />
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
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
  session,
  title,
  children,
  endpoint,
  action,
  target,
  fields,
  confirmLabel,
  cancelHref,
}: {
  session: Session;
  title: ReactNode;
  children: ReactNode;
  endpoint: string;
  action: string;
  target: string;
  fields?: Record<string, string>;
  confirmLabel: string;
  cancelHref: string;
}) {
  return (
    <section className="card danger-zone" aria-labelledby="confirm-heading">
      <h1 id="confirm-heading">{title}</h1>
      <div className="lead">{children}</div>
      <div className="button-row">
        <ActionForm
          session={session}
          endpoint={endpoint}
          action={action}
          target={target}
          {...(fields ? { fields } : {})}
          className="button button-danger"
        >
          {confirmLabel}
        </ActionForm>
        <Link className="button" href={cancelHref}>
          Cancel
        </Link>
      </div>
    </section>
  );
}

/** Previous and next links for a paginated list; `hrefFor` keeps the list's filters. */
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
