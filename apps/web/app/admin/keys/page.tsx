// Signing keys: which key signs new access tokens, which are still published, and rotate now.
import type { Metadata } from "next";
import Link from "next/link";
import { ConfirmStep, DataTable, FlashMessage } from "@/app/_components/console";
import { expectOk, requireAdmin } from "@/lib/console-access";
import { formatTimestamp } from "@/lib/display";
import { readFlash } from "@/lib/form-actions";
import { durationLabel, keyStatusLabel } from "@/lib/labels";
import { type SearchParams, single } from "@/lib/pagination";
import { adminApi } from "@/lib/request-context";
import { rotateSigningKey } from "./actions";

export const metadata: Metadata = { title: "Signing keys" };

export default async function KeysPage({ searchParams }: { searchParams: SearchParams }) {
  const session = await requireAdmin("/admin/keys");
  const parameters = await searchParams;
  if (single(parameters.confirm) === "rotate") {
    return (
      <ConfirmStep
        title="Rotate the signing key now?"
        action={rotateSigningKey}
        confirmLabel="Rotate now"
        cancelHref="/admin/keys"
      >
        <p>
          A new key signs every access token from now on. The current key stays in the JWKS until
          the tokens it signed have expired, so nobody is signed out.
        </p>
      </ConfirmStep>
    );
  }
  const [keys, flash] = await Promise.all([
    adminApi()
      .keys.list(session)
      .then((outcome) => expectOk(outcome, "signing keys")),
    readFlash(session),
  ]);
  return (
    <>
      <FlashMessage flash={flash} />
      <section className="card" aria-labelledby="keys-heading">
        <div className="section-heading">
          <h1 id="keys-heading">Signing keys</h1>
          <Link className="button button-primary" href="/admin/keys?confirm=rotate">
            Rotate now…
          </Link>
        </div>
        <p className="lead">
          Access tokens are JWTs signed with these keys; resource servers check them against the
          published JWKS.
        </p>
        <DataTable
          caption="Signing keys, newest first"
          columns={["Key ID (kid)", "Algorithm", "Created", "Age", "Status"]}
          rows={keys.items}
          empty="No signing key exists yet; one is created when the first token is signed."
        >
          {(key) => (
            <tr key={key.kid}>
              <th scope="row">
                <code>{key.kid}</code>
              </th>
              <td>{key.alg}</td>
              <td>{formatTimestamp(key.createdAt)}</td>
              <td>{durationLabel(key.ageSeconds)}</td>
              <td>
                <span className={`badge ${key.status === "active" ? "badge-ok" : "badge-neutral"}`}>
                  {keyStatusLabel(key.status)}
                </span>
              </td>
            </tr>
          )}
        </DataTable>
      </section>
    </>
  );
}
