// The page shown when an authorization request cannot be answered by redirect: OAuth 2.1 §4.1.2.1 says
// that with an invalid client or redirect URI the server must inform the person and must not redirect,
// since the redirect itself would be the attack (an open redirector).
import type { Context } from "hono";
import { html } from "hono/html";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export function authorizationErrorPage(
  c: Context,
  status: ContentfulStatusCode,
  title: string,
  explanation: string,
  /** Where the person may choose to go back to (an error response the client should still get). */
  continueTo?: { href: string; host: string },
): Response | Promise<Response> {
  c.header("Cache-Control", "no-store");
  // The page has no script and loads nothing; it must not be framed (clickjacking).
  c.header(
    "Content-Security-Policy",
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  );
  // hono/html escapes every interpolated value, so client-supplied text renders as text.
  return c.html(
    html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title}</title>
    <style>
      body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #f6f7f9;
        color: #1f2933; margin: 0; display: grid; min-height: 100vh; place-items: center; }
      main { background: #fff; max-width: 32rem; margin: 1rem; padding: 2rem; border-radius: 12px;
        box-shadow: 0 1px 3px rgb(0 0 0 / 12%); }
      h1 { font-size: 1.25rem; margin-top: 0; }
      p { line-height: 1.5; }
    </style>
  </head>
  <body>
    <main>
      <h1>${title}</h1>
      <p>${explanation}</p>
      <p>Go back to the application you came from and start again. If this keeps happening, the
        application is misconfigured; its developer can find the reason in this server's audit log.</p>
      ${continueTo ? html`<p><a href="${continueTo.href}" rel="noreferrer">Return to ${continueTo.host}</a></p>` : ""}
    </main>
  </body>
</html>`,
    status,
  );
}
