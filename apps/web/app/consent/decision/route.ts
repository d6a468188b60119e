// The consent form's submission: Allow or Deny, then a 303 to the client's redirect URI.
import { webConfig } from "../../../lib/config";
import { isSameOriginRequest, isValidCsrfToken } from "../../../lib/csrf";
import {
  FORGED_FORM_MESSAGE,
  plainText,
  seeOther,
  UNAVAILABLE_MESSAGE,
} from "../../../lib/form-responses";
import { type ConsentResult, InternalApiError } from "../../../lib/internal-api";
import {
  consentCaller,
  currentSession,
  endSession,
  internalApi,
} from "../../../lib/request-context";

const OTHER_BROWSER_MESSAGE =
  "This sign-in request was opened in another browser and can be completed only there. If you started it, go back to the app and start again.";

export async function POST(request: Request): Promise<Response> {
  const config = webConfig();
  // AS-16: a page on another site must not be able to submit "Allow" in the person's name.
  if (!isSameOriginRequest(request.headers, config.webUrl)) {
    return plainText(403, FORGED_FORM_MESSAGE);
  }

  const form = await request.formData().catch(() => undefined);
  const interactionId = form?.get("interaction");
  const decision = form?.get("decision");
  if (typeof interactionId !== "string" || (decision !== "allow" && decision !== "deny")) {
    return plainText(400, "This form is missing its sign-in request or decision.");
  }
  const consentPage = `/consent?${new URLSearchParams({ interaction: interactionId })}`;

  const session = await currentSession();
  // The session ended while the page was open: sign in again, then see the same request.
  if (!session) return seeOther(`/login?${new URLSearchParams({ interaction: interactionId })}`);
  const purpose = { form: "consent", interactionId } as const;
  if (!isValidCsrfToken(session.csrfSecret, purpose, form?.get("csrf"))) {
    return plainText(403, FORGED_FORM_MESSAGE);
  }

  // The browser that first showed this consent page, and only it, may answer it (proxy.ts set the
  // binding cookie on that view; the auth-server compares).
  const caller = await consentCaller(interactionId, session);
  if (!caller) return plainText(403, OTHER_BROWSER_MESSAGE);

  let result: ConsentResult;
  try {
    result = await internalApi().decideConsent(
      interactionId,
      { browserBinding: caller.browserBinding, actingUser: session },
      decision,
    );
  } catch (error) {
    if (!(error instanceof InternalApiError)) throw error;
    console.error(error);
    return plainText(502, UNAVAILABLE_MESSAGE);
  }
  switch (result.status) {
    case "redirect":
      // Exactly where the auth-server says: it built the URL from the registered redirect URI
      // with code (or error), state and iss (RFC 9207); the web app never assembles it.
      return seeOther(result.redirectTo);
    case "unknown":
    case "expired":
      // The consent page explains both cases.
      return seeOther(consentPage);
    case "wrong-browser":
      return plainText(403, OTHER_BROWSER_MESSAGE);
    case "session-ended":
      // A password reset, a disable or "sign out everywhere" ended this session since the page was
      // shown: nothing is approved, the cookie goes, and the person signs in again.
      await endSession();
      return seeOther(
        `/login?${new URLSearchParams({ interaction: interactionId, notice: "session-ended" })}`,
      );
    case "rejected":
      return plainText(400, "The sign-in service refused this account for this request.");
  }
}
