// Plain responses for the form endpoints (route handlers), which have no page to render into.

/** RFC 9110 §15.4.4: 303 makes the browser follow with a GET, whatever the form's method was. */
export function seeOther(location: string): Response {
  return new Response(null, { status: 303, headers: { Location: location } });
}

/** An answer in plain text: nothing from the request is echoed, so there is nothing to escape. */
export function plainText(status: 400 | 403 | 502, message: string): Response {
  return new Response(`${message}\n`, {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
}

export const FORGED_FORM_MESSAGE =
  "This form could not be accepted: it did not come from this site, or the page was open for too long. Go back, reload the page and try again.";

export const UNAVAILABLE_MESSAGE =
  "The sign-in service is not answering right now. Wait a moment, go back and try again.";
