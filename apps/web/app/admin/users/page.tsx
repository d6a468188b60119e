// Users: search, list and create accounts.
import type { Metadata } from "next";
import Link from "next/link";
import {
  DataTable,
  EnabledBadge,
  Field,
  FilterForm,
  FilterInput,
  FlashMessage,
  OffsetPagination,
} from "@/app/_components/console";
import { expectOk, requireAdmin } from "@/lib/console-access";
import { formatTimestamp } from "@/lib/display";
import { readFlash } from "@/lib/form-actions";
import { hrefWith, PAGE_SIZE, parseOffset, type SearchParams, single } from "@/lib/pagination";
import { adminApi } from "@/lib/request-context";
import { createUser } from "./actions";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage({ searchParams }: { searchParams: SearchParams }) {
  const session = await requireAdmin("/admin/users");
  const parameters = await searchParams;
  const q = single(parameters.q)?.slice(0, 200);
  const offset = parseOffset(single(parameters.offset));
  const [users, flash] = await Promise.all([
    adminApi()
      .users.list(session, { q, limit: PAGE_SIZE, offset })
      .then((outcome) => expectOk(outcome, "users")),
    readFlash(session),
  ]);
  return (
    <>
      <FlashMessage flash={flash} />
      <section className="card" aria-labelledby="users-heading">
        <h1 id="users-heading">Users</h1>
        <FilterForm action="/admin/users" label="Search users" submitLabel="Search">
          <FilterInput id="q" label="Email or name contains" value={q} />
        </FilterForm>
        <DataTable
          caption={`Users by email${q ? `, matching “${q}”` : ""}`}
          columns={["User", "Role", "Created", "Active grants", "Status"]}
          rows={users.items}
          empty={q ? "No user matches this search." : "There are no users yet."}
        >
          {(user) => (
            <tr key={user.id}>
              <th scope="row">
                <Link href={hrefWith("/admin/users/view", { id: user.id })}>{user.email}</Link>
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
                <EnabledBadge disabledAt={user.disabledAt} />
              </td>
            </tr>
          )}
        </DataTable>
        <OffsetPagination label="User pages" path="/admin/users" filters={{ q }} page={users} />
      </section>

      <section className="card" aria-labelledby="new-user-heading">
        <h2 id="new-user-heading">Create a user</h2>
        <form action={createUser}>
          <Field id="new-email" label="Email">
            <input id="new-email" name="email" type="email" required autoComplete="off" />
          </Field>
          <Field id="new-name" label="Name">
            <input id="new-name" name="name" type="text" required maxLength={200} />
          </Field>
          <Field id="new-password" label="Initial password">
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
          </Field>
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
