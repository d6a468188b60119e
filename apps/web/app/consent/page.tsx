// The consent screen (AS-16 in docs/spec-traceability.md): who is asking, where the answer goes, what it may do.
import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import type { ReactNode } from "react";
import { RiskBadge } from "@/app/_components/risk-badge";
import type { Interaction } from "@/lib/internal-api";
import {
  consentCaller,
  currentSession,
  internalApi,
  sessionEndedPath,
} from "@/lib/request-context";
import type { Session } from "@/lib/session";
import { decideConsent } from "./actions";

export const metadata: Metadata = { title: "Allow access?" };

export default async function ConsentPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { interaction: interactionId } = await searchParams;
  if (typeof interactionId !== "string") notFound();

  const session = await currentSession();
  // proxy.ts set this browser's binding cookie before the page rendered; without it (cookies
  // refused) the request cannot be tied to this browser, so it cannot be completed here.
  const caller = await consentCaller(interactionId, session);
  if (!caller) return <OtherBrowser />;
  const result = await internalApi().interaction(interactionId, caller);
  if (result.status === "unknown") notFound();
  if (result.status === "expired") return <ExpiredRequest />;
  // A leaked link opened in another browser, whoever is signed in there.
  if (result.status === "wrong-browser") return <OtherBrowser />;
  // A password reset, a disable or "sign out everywhere" ended this session: sign out, sign in again.
  if (result.status === "session-ended") {
    redirect(await sessionEndedPath({ interaction: interactionId }));
  }
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
    const decision = await internalApi().decideConsent(
      interactionId,
      { browserBinding: caller.browserBinding, actingUser: session },
      "allow",
    );
    if (decision.status === "redirect") redirect(decision.redirectTo);
    if (decision.status === "unknown") notFound();
    if (decision.status === "expired") return <ExpiredRequest />;
    if (decision.status === "wrong-browser") return <OtherBrowser />;
    if (decision.status === "session-ended") {
      redirect(await sessionEndedPath({ interaction: interactionId }));
    }
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
  // The interaction and the answer are bound into each button's action: the form carries nothing else.
  const decide = decideConsent.bind(null, interaction.id);
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

      <form action={decide.bind(null, "allow")}>
        <div className="button-row">
          <button
            type="submit"
            className="button button-primary"
            aria-describedby={hasRedirectNotice(interaction) ? REDIRECT_NOTICE_ID : undefined}
          >
            Allow
          </button>
          <button type="submit" formAction={decide.bind(null, "deny")} className="button">
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

/** The error page for a consent link opened in a browser other than the one that first showed it. */
function OtherBrowser() {
  return (
    <div className="card">
      <h1>This sign-in request was opened in another browser</h1>
      <p className="lead">
        For your safety, a request to allow an app can be completed only in the browser where it was
        first opened. If you started it, go back to the app and start again here. If someone sent
        you this link, do not continue.
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
