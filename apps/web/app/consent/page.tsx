// The consent screen (SPEC-CHECKLIST AS-16): who is asking, where the answer goes, what it may do.
import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import type { ReactNode } from "react";
import { csrfToken } from "../../lib/csrf";
import type { Interaction } from "../../lib/internal-api";
import { currentSession, internalApi } from "../../lib/request-context";
import type { Session } from "../../lib/session";
import { RiskBadge } from "../_components/risk-badge";

export const metadata: Metadata = { title: "Allow access?" };

export default async function ConsentPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { interaction: interactionId } = await searchParams;
  if (typeof interactionId !== "string") notFound();

  const session = await currentSession();
  const result = await internalApi().interaction(interactionId, session?.userId);
  if (result.status === "unknown") notFound();
  if (result.status === "expired") return <ExpiredRequest />;
  // No session, or one for an account the auth-server no longer accepts (deleted, disabled, or a
  // development database that was reset): sign in (again), then come back to this request.
  if (!session || result.status === "user-refused") {
    redirect(`/login?${new URLSearchParams({ interaction: interactionId })}`);
  }

  // The person already allowed this app everything it asks for now, and the code can reach no one
  // but the app: no screen, straight back. The auth-server never remembers a consent for a loopback
  // redirect (any program on the machine may listen there, RFC 8252 §8.6); checking it here too keeps
  // a regression there from handing out codes without a click.
  const { interaction } = result;
  if (interaction.consentRemembered && !interaction.loopbackRedirect) {
    const decision = await internalApi().decideConsent(interactionId, session.userId, "allow");
    if (decision.status === "redirect") redirect(decision.redirectTo);
    if (decision.status === "unknown") notFound();
    if (decision.status === "expired") return <ExpiredRequest />;
    return <AccountRefused />;
  }
  return <ConsentScreen interaction={interaction} session={session} />;
}

function ConsentScreen({ interaction, session }: { interaction: Interaction; session: Session }) {
  const { client, resource } = interaction;
  // Client-supplied text is only ever rendered as React text, which escapes it; <bdi> keeps a name
  // with right-to-left override characters from reordering the sentence around it.
  const clientName = <bdi className="client-name">{client.name ?? client.clientId}</bdi>;
  const signInAgain = `/login?${new URLSearchParams({ interaction: interaction.id })}`;
  return (
    <div className="card">
      <h1>
        Allow {clientName} to access {resource.name}?{" "}
        {client.verified ? null : <span className="badge badge-unverified">Unverified</span>}
      </h1>
      {client.verified ? null : (
        <p className="lead">This app registered itself; its name was not checked.</p>
      )}
      <RedirectNotice interaction={interaction} />

      <dl className="details">
        <dt>Sends you back to</dt>
        <dd>
          <strong>{interaction.redirectHost}</strong>
        </dd>
        <dt>Service</dt>
        <dd>
          {resource.name}
          <br />
          <code>{resource.identifier}</code>
        </dd>
        <dt>App ID</dt>
        <dd>
          <code>{client.clientId}</code>
        </dd>
      </dl>

      <h2 id="scopes-heading">The app will be able to</h2>
      <ul className="scope-list" aria-labelledby="scopes-heading">
        {interaction.scopes.map((scope) => (
          <li key={scope.name}>
            <p className="scope-heading">
              <span>{scope.title}</span>
              <RiskBadge risk={scope.risk} />
            </p>
            <p>{scope.description}</p>
            <code className="scope-name">{scope.name}</code>
          </li>
        ))}
      </ul>

      <form method="post" action="/consent/decision">
        <input type="hidden" name="interaction" value={interaction.id} />
        <input
          type="hidden"
          name="csrf"
          value={csrfToken(session.csrfSecret, { form: "consent", interactionId: interaction.id })}
        />
        <div className="button-row">
          <button
            type="submit"
            name="decision"
            value="allow"
            className="button button-primary"
            aria-describedby={hasRedirectNotice(interaction) ? REDIRECT_NOTICE_ID : undefined}
          >
            Allow
          </button>
          <button type="submit" name="decision" value="deny" className="button">
            Deny
          </button>
        </div>
      </form>

      <p className="account">
        Signed in as <strong>{session.email}</strong>. <Link href={signInAgain}>Not you?</Link>
      </p>
    </div>
  );
}

const REDIRECT_NOTICE_ID = "redirect-notice";

function hasRedirectNotice(interaction: Interaction): boolean {
  return interaction.previouslyApproved || interaction.loopbackRedirect;
}

/**
 * Why this screen asks, when it might seem it need not, and what to check before allowing. Screen
 * readers also hear it with the Allow button (aria-describedby).
 */
function RedirectNotice({ interaction }: { interaction: Interaction }) {
  if (!hasRedirectNotice(interaction)) return null;
  const localhost = <strong>localhost</strong>;
  let message: ReactNode;
  if (interaction.previouslyApproved && interaction.loopbackRedirect) {
    message = (
      <>
        You allowed this app before. Because it receives the answer on this computer ({localhost}),
        please confirm that you just started it. If you did not, choose Deny.
      </>
    );
  } else if (interaction.previouslyApproved) {
    message = (
      <>
        You allowed this app before. Please confirm that you just started it. If you did not, choose
        Deny.
      </>
    );
  } else {
    message = (
      <>
        The app will receive the result at {localhost} — only continue if you started this from an
        app on this computer.
      </>
    );
  }
  return (
    <div className="notice" role="note" id={REDIRECT_NOTICE_ID}>
      <p>{message}</p>
    </div>
  );
}

function ExpiredRequest() {
  return (
    <div className="card">
      <h1>This sign-in request has expired</h1>
      <p className="lead">
        Go back to the app and start again. Sign-in requests are valid for ten minutes and can be
        used once.
      </p>
    </div>
  );
}

function AccountRefused() {
  return (
    <div className="card">
      <h1>Your account cannot be used here</h1>
      <p className="lead">
        The sign-in service refused this account. Contact your administrator if this is unexpected.
      </p>
    </div>
  );
}
