// Create a confidential machine client (client_credentials only); its secret is shown once, next.
import { SCOPE_CATALOGUE } from "@repo/scopes";
import type { Metadata } from "next";
import Link from "next/link";
import { Field, FlashMessage } from "@/app/_components/console";
import { RiskBadge } from "@/app/_components/risk-badge";
import { createClient } from "@/app/admin/clients/actions";
import { requireAdmin } from "@/lib/console-access";
import { readFlash } from "@/lib/form-actions";

export const metadata: Metadata = { title: "Create a machine client" };

export default async function NewClientPage() {
  const session = await requireAdmin("/admin/clients/new");
  const flash = await readFlash(session);
  const scopes = SCOPE_CATALOGUE.filter((scope) => scope.audience === "mcp");
  return (
    <>
      <FlashMessage flash={flash} />
      <section className="card" aria-labelledby="new-client-heading">
        <h1 id="new-client-heading">Create a machine client</h1>
        <p className="lead">
          A confidential client for the client credentials grant: a program acting for itself, not
          for a person. It may use only the MCP server, with the scopes you tick.
        </p>
        <form action={createClient}>
          <Field id="name" label="Name">
            <input id="name" name="name" type="text" required maxLength={200} />
          </Field>
          <Field id="clientId" label="Client ID (optional)">
            <input
              id="clientId"
              name="clientId"
              type="text"
              pattern="[a-z0-9][a-z0-9._\-]{2,63}"
              aria-describedby="client-id-hint"
              spellCheck={false}
            />
            <p id="client-id-hint" className="hint">
              3–64 of a–z, 0–9, dot, underscore and hyphen. Left empty, one is generated.
            </p>
          </Field>
          <fieldset>
            <legend>Allowed scopes</legend>
            {scopes.map((scope) => (
              <label key={scope.name} className="checkbox">
                <input type="checkbox" name="scope" value={scope.name} />
                <span>
                  <code>{scope.name}</code> — {scope.title} <RiskBadge risk={scope.risk} />
                </span>
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>Token introspection</legend>
            <label className="checkbox">
              <input type="checkbox" name="introspectionAllowed" value="true" />
              <span>
                This client is a resource server: it may ask <code>/introspect</code> whether a
                token is active and whose it is (RFC 7662 §4). Leave it unticked for a program that
                only calls the MCP server.
              </span>
            </label>
          </fieldset>
          <div className="button-row">
            <button type="submit" className="button button-primary">
              Create client
            </button>
            <Link className="button" href="/admin/clients">
              Cancel
            </Link>
          </div>
        </form>
      </section>
    </>
  );
}
