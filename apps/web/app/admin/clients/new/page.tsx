// Create a confidential machine client (client_credentials only): with a secret, shown once next, or
// with private_key_jwt and the public keys it signs with.
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
          for a person. It may use only the MCP server, with the scopes you tick. It proves who it
          is with a secret this server generates, or by signing with its own private key.
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
          <fieldset aria-describedby="auth-method-hint">
            <legend>Client authentication</legend>
            <label className="checkbox">
              <input type="radio" name="authMethod" value="client_secret_basic" defaultChecked />
              <span>
                A secret (<code>client_secret_basic</code> or <code>client_secret_post</code>),
                generated now and shown once.
              </span>
            </label>
            <label className="checkbox">
              <input type="radio" name="authMethod" value="private_key_jwt" />
              <span>
                A private key (<code>private_key_jwt</code>, RFC 7523): the client signs a short
                assertion; only its public keys are registered here, and it gets no secret.
              </span>
            </label>
            <p id="auth-method-hint" className="hint">
              For a private key, fill in one of the two fields below.
            </p>
            <Field id="jwks" label="Public keys (JWK Set)">
              <textarea
                id="jwks"
                name="jwks"
                rows={6}
                maxLength={65536}
                spellCheck={false}
                aria-describedby="jwks-hint"
                placeholder='{"keys": [{"kty": "EC", "crv": "P-256", "x": "…", "y": "…", "kid": "…"}]}'
              />
              <p id="jwks-hint" className="hint">
                Public signing keys only (EC P-256, RSA, Ed25519). A private key is refused.
              </p>
            </Field>
            <Field id="jwksUri" label="JWKS URI">
              <input
                id="jwksUri"
                name="jwksUri"
                type="url"
                maxLength={2000}
                spellCheck={false}
                aria-describedby="jwks-uri-hint"
                placeholder="https://client.example.com/.well-known/jwks.json"
              />
              <p id="jwks-uri-hint" className="hint">
                Where the client publishes its public keys (https), for a client that rotates its
                own keys.
              </p>
            </Field>
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
