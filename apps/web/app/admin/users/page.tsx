// Users: search, list and create accounts.
import type { Metadata } from "next";
import Link from "next/link";
import { expectOk, requireAdmin } from "../../../lib/console-access";
import { readFlash } from "../../../lib/console-forms";
import { csrfToken } from "../../../lib/csrf";
import { formatTimestamp } from "../../../lib/display";
import { hrefWith, offsetWindow, PAGE_SIZE, parseOffset, single } from "../../../lib/pagination";
import { adminApi } from "../../../lib/request-context";
import { EmptyState, FlashMessage, Pagination } from "../../_components/console";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const session = await requireAdmin("/admin/users");
  const parameters = await searchParams;
  const q = single(parameters.q)?.slice(0, 200);
  const offset = parseOffset(single(parameters.offset));
  const [users, flash] = await Promise.all([
    adminApi()
      .users.list(session.userId, { q, limit: PAGE_SIZE, offset })
      .then((outcome) => expectOk(outcome, "users")),
    readFlash(session),
  ]);
  const window = offsetWindow({ ...users, shown: users.items.length });
  return (
    <>
      <FlashMessage flash={flash} />
      <section className="card" aria-labelledby="users-heading">
        <h1 id="users-heading">Users</h1>
        <form method="get" action="/admin/users" className="filters" aria-label="Search users">
          <div className="field">
            <label htmlFor="q">Email or name contains</label>
            <input id="q" name="q" type="text" defaultValue={q ?? ""} />
          </div>
          <button type="submit" className="button">
            Search
          </button>
        </form>
        {users.items.length === 0 ? (
          <EmptyState>{q ? "No user matches this search." : "There are no users yet."}</EmptyState>
        ) : (
          <div className="table-wrap">
            <table>
              <caption>Users by email{q ? `, matching “${q}”` : ""}</caption>
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Role</th>
                  <th scope="col">Created</th>
                  <th scope="col">Active grants</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {users.items.map((user) => (
                  <tr key={user.id}>
                    <th scope="row">
                      <Link href={hrefWith("/admin/users/view", { id: user.id })}>
                        {user.email}
                      </Link>
                      <br />
                      <span className="hint">{user.name}</span>
                    </th>
                    <td>{user.isAdmin ? "Administrator" : "User"}</td>
                    <td>{formatTimestamp(user.createdAt)}</td>
                    <td>
                      <Link href={hrefWith("/admin/grants", { user: user.id })}>
                        {user.activeGrants ?? 0}
                      </Link>
                    </td>
                    <td>
                      {user.disabledAt ? (
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
          label="User pages"
          summary={`Showing ${window.from}–${window.to} of ${window.total}`}
          previousHref={
            window.previousOffset === undefined
              ? undefined
              : hrefWith("/admin/users", { q, offset: window.previousOffset || undefined })
          }
          nextHref={
            window.nextOffset === undefined
              ? undefined
              : hrefWith("/admin/users", { q, offset: window.nextOffset })
          }
        />
      </section>

      <section className="card" aria-labelledby="new-user-heading">
        <h2 id="new-user-heading">Create a user</h2>
        <form method="post" action="/admin/users/actions">
          <input type="hidden" name="action" value="create" />
          <input type="hidden" name="target" value="new" />
          <input
            type="hidden"
            name="csrf"
            value={csrfToken(session.csrfSecret, {
              form: "action",
              action: "create",
              target: "new",
            })}
          />
          <div className="field">
            <label htmlFor="new-email">Email</label>
            <input id="new-email" name="email" type="email" required autoComplete="off" />
          </div>
          <div className="field">
            <label htmlFor="new-name">Name</label>
            <input id="new-name" name="name" type="text" required maxLength={200} />
          </div>
          <div className="field">
            <label htmlFor="new-password">Initial password</label>
            <input
              id="new-password"
              name="password"
              type="password"
              required
              minLength={8}
              autoComplete="new-password"
              aria-describedby="new-password-hint"
            />
            <p id="new-password-hint" className="hint">
              At least 8 characters. Give it to the person over a separate channel.
            </p>
          </div>
          <label className="checkbox">
            <input type="checkbox" name="isAdmin" value="true" />
            <span>Administrator</span>
          </label>
          <div className="button-row">
            <button type="submit" className="button button-primary">
              Create user
            </button>
          </div>
        </form>
      </section>
    </>
  );
}
