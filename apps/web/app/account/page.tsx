// Connected apps: every app holding access to the signed-in person's account, and a way to end it.
import type { Metadata } from "next";
import Link from "next/link";
import { ConfirmStep, DataTable, FlashMessage } from "@/app/_components/console";
import { RiskBadge } from "@/app/_components/risk-badge";
import type { ConnectedApp } from "@/lib/admin-api";
import { expectOk, requireSignedIn } from "@/lib/console-access";
import { formatAge, formatTimestamp } from "@/lib/display";
import { readFlash } from "@/lib/form-actions";
import type { SearchParams } from "@/lib/pagination";
import { adminApi } from "@/lib/request-context";
import { disconnectApp, signOutEverywhere } from "./actions";

export const metadata: Metadata = { title: "Connected apps" };

export default async function AccountPage({ searchParams }: { searchParams: SearchParams }) {
  const session = await requireSignedIn("/account");
  const { revoke, confirm } = await searchParams;
  const [apps, flash] = await Promise.all([
    adminApi()
      .account.apps(session)
      .then((outcome) => expectOk(outcome, "connected apps")),
    readFlash(session),
  ]);

  const confirming =
    typeof revoke === "string"
      ? apps.items.find((app) => app.client.clientId === revoke)
      : undefined;
  if (confirm === "sign-out-everywhere") {
    return (
      <div className="console">
        <ConfirmStep
          title="Sign out everywhere?"
          action={signOutEverywhere}
          confirmLabel="Sign out everywhere"
          cancelHref="/account"
        >
          <p>
            Every browser signed in to your account is signed out, this one included; anyone who
            took over one of those sessions loses it. Apps you allowed before will show you the
            consent screen again the next time they ask. Your connected apps keep working:
            disconnect any you do not recognise.
          </p>
        </ConfirmStep>
      </div>
    );
  }
  if (confirming) {
    return (
      <div className="console">
        <ConfirmStep
          title={
            <>
              Disconnect <bdi>{appName(confirming)}</bdi>?
            </>
          }
          action={disconnectApp.bind(null, confirming.client.clientId, appName(confirming))}
          confirmLabel="Disconnect"
          cancelHref="/account"
        >
          <p>
            The app loses access to your account at once: its refresh tokens stop working and the
            next time it asks, you will see the consent screen again.
          </p>
        </ConfirmStep>
      </div>
    );
  }

  return (
    <div className="console">
      <FlashMessage flash={flash} />
      <section className="card" aria-labelledby="apps-heading">
        <div className="section-heading">
          <h1 id="apps-heading">Connected apps</h1>
          {session.isAdmin ? <Link href="/admin">Admin console</Link> : null}
        </div>
        <p className="lead">
          Apps you allowed to act for you, <strong>{session.email}</strong>. Disconnect any you no
          longer use.
        </p>
        <AppsTable apps={apps.items} />
      </section>
      <section className="card" aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">Sessions</h2>
        <p className="lead">
          Signed in on a computer you no longer use, or think someone else is using your account?
          Sign out of every browser at once.
        </p>
        <Link
          className="button"
          href={`/account?${new URLSearchParams({ confirm: "sign-out-everywhere" })}`}
        >
          Sign out everywhere…
        </Link>
      </section>
    </div>
  );
}

function appName(app: ConnectedApp): string {
  return app.client.name ?? app.client.clientId;
}

function AppsTable({ apps }: { apps: ConnectedApp[] }) {
  return (
    <DataTable
      caption="Apps with access to your account"
      columns={["App", "May", "Connected", "Last used"]}
      actionColumn
      rows={apps}
      empty="No app has access to your account."
    >
      {(app) => (
        <tr key={app.client.clientId}>
          <th scope="row">
            <bdi className="client-name">{appName(app)}</bdi>{" "}
            {app.client.verified ? null : (
              <span className="badge badge-unverified">Unverified</span>
            )}
            <br />
            <span className="hint">
              {app.resources.map((resource) => resource.name).join(", ")}
            </span>
          </th>
          <td>
            <ul className="inline-list">
              {app.scopes.map((scope) => (
                <li key={scope.name}>
                  {scope.title} <RiskBadge risk={scope.risk} />
                </li>
              ))}
            </ul>
          </td>
          <td>{formatTimestamp(app.connectedAt)}</td>
          <td>{formatAge(app.lastUsedAt)}</td>
          <td>
            <Link
              className="button button-small"
              href={`/account?${new URLSearchParams({ revoke: app.client.clientId })}`}
              aria-label={`Disconnect ${appName(app)}`}
            >
              Disconnect…
            </Link>
          </td>
        </tr>
      )}
    </DataTable>
  );
}
