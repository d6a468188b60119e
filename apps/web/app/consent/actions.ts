// The consent screen's answer: Allow or Deny, then a 303 to the client's redirect URI.
"use server";

import { notFound, redirect } from "next/navigation";
import { textInput } from "@/lib/form-actions";
import { isInteractionId } from "@/lib/internal-api";
import { consentCaller, currentSession, endSession, internalApi } from "@/lib/request-context";

/**
 * Bound to its interaction and decision by the page (`decideConsent.bind(null, id, "allow")`). A page
 * on another site cannot submit it in the person's name (AS-16): proxy.ts refuses a form post from
 * another origin, and the auth-server accepts the answer only from the browser that first showed the
 * screen.
 */
export async function decideConsent(interaction: unknown, decision: unknown): Promise<void> {
  const interactionId = textInput(interaction);
  if (!isInteractionId(interactionId) || (decision !== "allow" && decision !== "deny")) notFound();
  // The consent page explains every answer but a code: unknown, expired, opened in another browser.
  const consentPage = `/consent?${new URLSearchParams({ interaction: interactionId })}`;

  const session = await currentSession();
  // The session ended while the page was open: sign in again, then see the same request.
  if (!session) redirect(`/login?${new URLSearchParams({ interaction: interactionId })}`);
  // The browser that first showed this consent page, and only it, may answer it (proxy.ts set the
  // binding cookie on that view; the auth-server compares).
  const caller = await consentCaller(interactionId, session);
  if (!caller) redirect(consentPage);

  const result = await internalApi().decideConsent(
    interactionId,
    { browserBinding: caller.browserBinding, actingUser: session },
    decision,
  );
  switch (result.status) {
    case "redirect":
      // Exactly where the auth-server says: it built the URL from the registered redirect URI
      // with code (or error), state and iss (RFC 9207); the web app never assembles it.
      return redirect(result.redirectTo);
    case "unknown":
    case "expired":
    case "wrong-browser":
    // An account the auth-server refused for this request: the page sends it to sign in again.
    case "rejected":
      return redirect(consentPage);
    case "session-ended":
      // A password reset, a disable or "sign out everywhere" ended this session since the page was
      // shown: nothing is approved, the cookie goes, and the person signs in again.
      await endSession();
      return redirect(
        `/login?${new URLSearchParams({ interaction: interactionId, notice: "session-ended" })}`,
      );
  }
}
