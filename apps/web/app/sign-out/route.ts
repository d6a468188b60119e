// Sign out: ends the session cookie. A POST with a CSRF token, so no other site can sign you out.
import { webConfig } from "../../lib/config";
import { isSameOriginRequest, isValidCsrfToken } from "../../lib/csrf";
import { FORGED_FORM_MESSAGE, plainText, seeOther } from "../../lib/form-responses";
import { currentSession, endSession } from "../../lib/request-context";

export async function POST(request: Request): Promise<Response> {
  if (!isSameOriginRequest(request.headers, webConfig().webUrl)) {
    return plainText(403, FORGED_FORM_MESSAGE);
  }
  const session = await currentSession();
  if (session) {
    const form = await request.formData().catch(() => undefined);
    if (!isValidCsrfToken(session.csrfSecret, { form: "sign-out" }, form?.get("csrf"))) {
      return plainText(403, FORGED_FORM_MESSAGE);
    }
    await endSession();
  }
  return seeOther("/");
}
