// One user: disable or enable, reset the password, grant or remove the admin role.
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ActionForm, ConfirmStep, Field, FlashMessage } from "@/app/_components/console";
import {
  disableUser,
  enableUser,
  grantAdminRole,
  removeAdminRole,
  resetPassword,
} from "@/app/admin/users/actions";
import { expectOk, requireAdmin } from "@/lib/console-access";
import { formatTimestamp } from "@/lib/display";
import { readFlash } from "@/lib/form-actions";
import { hrefWith, type SearchParams, single } from "@/lib/pagination";
import { adminApi } from "@/lib/request-context";

export const metadata: Metadata = { title: "User" };

export default async function UserPage({ searchParams }: { searchParams: SearchParams }) {
  const parameters = await searchParams;
  const userId = single(parameters.id);
  const here = hrefWith("/admin/users/view", { id: userId });
  const session = await requireAdmin(here);
  if (!userId) notFound();
  const [{ user }, flash] = await Promise.all([
    adminApi()
      .users.get(session, userId)
      .then((outcome) => expectOk(outcome, "user")),
    readFlash(session),
  ]);
  const confirmHref = (confirm: string) => hrefWith("/admin/users/view", { id: user.id, confirm });
  const self = user.id === session.userId;

  const confirm = single(parameters.confirm);
  if (confirm === "disable" && !user.disabledAt) {
    return (
      <ConfirmStep
        title={<>Disable {user.email}?</>}
        action={disableUser.bind(null, user.id)}
        confirmLabel="Disable user"
        cancelHref={here}
      >
        <p>
          They can no longer sign in, they are signed out everywhere, and every app they connected
          loses access now (their refresh tokens end, and their remembered consents are forgotten).
          Enabling the account later brings none of that back.
        </p>
      </ConfirmStep>
    );
  }
  if (confirm === "admin") {
    const granting = !user.isAdmin;
    return (
      <ConfirmStep
        title={
          granting ? (
            <>Make {user.email} an administrator?</>
          ) : (
            <>Remove the admin role of {user.email}?</>
          )
        }
        action={(granting ? grantAdminRole : removeAdminRole).bind(null, user.id)}
        confirmLabel={granting ? "Grant admin role" : "Remove admin role"}
        cancelHref={here}
      >
        <p>
          {granting
            ? "Administrators can manage every client, user, grant and key, and read the audit log."
            : "They keep their account and connected apps, but can no longer use the admin console."}
        </p>
      </ConfirmStep>
    );
  }

  return (
    <>
      <FlashMessage flash={flash} />
      <section className="card" aria-labelledby="user-heading">
        <h1 id="user-heading">
          {user.email} {user.disabledAt ? <span className="badge badge-off">Disabled</span> : null}
        </h1>
        <dl className="details">
          <dt>Name</dt>
          <dd>{user.name}</dd>
          <dt>Role</dt>
          <dd>{user.isAdmin ? "Administrator" : "User"}</dd>
          <dt>Created</dt>
          <dd>{formatTimestamp(user.createdAt)}</dd>
          <dt>Disabled</dt>
          <dd>{formatTimestamp(user.disabledAt)}</dd>
          <dt>Active grants</dt>
          <dd>
            <Link href={hrefWith("/admin/grants", { user: user.id })}>
              {user.activeGrants ?? 0}
            </Link>
          </dd>
        </dl>
        <p>
          <Link href={hrefWith("/admin/audit", { user: user.id })}>This user in the audit log</Link>
        </p>
      </section>

      <section className="card" aria-labelledby="user-actions-heading">
        <h2 id="user-actions-heading">Account</h2>
        {self ? (
          <p className="lead">
            This is your own account: you cannot disable it or remove your own admin role.
          </p>
        ) : (
          <div className="button-row">
            {user.disabledAt ? (
              <ActionForm action={enableUser.bind(null, user.id)}>Enable</ActionForm>
            ) : (
              <Link className="button button-danger" href={confirmHref("disable")}>
                Disable…
              </Link>
            )}
            <Link className="button" href={confirmHref("admin")}>
              {user.isAdmin ? "Remove admin role…" : "Grant admin role…"}
            </Link>
          </div>
        )}
      </section>

      <section className="card" aria-labelledby="password-heading">
        <h2 id="password-heading">Reset password</h2>
        <p className="hint">
          {self
            ? "This also signs you out everywhere, here included: sign in again with the new password."
            : "They are signed out everywhere, every app they connected loses access, and apps they allowed before ask them again."}
        </p>
        <form action={resetPassword.bind(null, user.id)}>
          <Field id="password" label="New password">
            <input
              id="password"
              name="password"
              type="password"
              required
              minLength={8}
              autoComplete="new-password"
            />
          </Field>
          <Field id="password-again" label="New password again">
            <input
              id="password-again"
              name="passwordAgain"
              type="password"
              required
              minLength={8}
              autoComplete="new-password"
            />
          </Field>
          <div className="button-row">
            <button type="submit" className="button">
              Set new password
            </button>
          </div>
        </form>
      </section>
    </>
  );
}
