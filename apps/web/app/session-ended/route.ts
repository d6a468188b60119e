// Where a page sends a person whose session the auth-server refused (`session_ended`: a password
// reset, a disable or "sign out everywhere"): clears the cookie, which a page cannot do while it
// renders, then the login page, and after it back to where they were.
import { redirect } from "next/navigation";
import { isValidSessionEndedToken } from "@/lib/csrf";
import { isInteractionId } from "@/lib/internal-api";
import { currentSession, endSession } from "@/lib/request-context";
import { safeReturnPath } from "@/lib/return-path";

export async function GET(request: Request): Promise<Response> {
  const query = new URL(request.url).searchParams;
  const session = await currentSession();
  // A GET, so without the token any site could sign people out by linking here; the token is printed
  // only into the link a refused session is sent to.
  if (session && isValidSessionEndedToken(session.csrfSecret, query.get("token"))) {
    await endSession();
  }
  // The login page says why, then returns to the consent request or the page the person was on.
  const interaction = query.get("interaction");
  const next = safeReturnPath(query.get("next"));
  const login = new URLSearchParams(
    interaction !== null && isInteractionId(interaction)
      ? { interaction }
      : next !== undefined
        ? { next }
        : {},
  );
  login.set("notice", "session-ended");
  redirect(`/login?${login}`);
}
