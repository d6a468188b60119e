// Runs before every page: a per-request CSP nonce, and no caching of pages that carry sign-in state.
import { type NextRequest, NextResponse } from "next/server";
import { webConfig } from "./lib/config";
import { FLASH_HEADER, flashCookieName, flashCookieOptions } from "./lib/flash";
import { contentSecurityPolicy, newNonce } from "./lib/security-headers";

export function proxy(request: NextRequest) {
  const policy = contentSecurityPolicy({
    nonce: newNonce(),
    development: process.env.NODE_ENV === "development",
    https: webConfig().webUrl.startsWith("https:"),
  });
  // Next.js reads the nonce from the request's CSP header while rendering and puts it on the
  // script and style tags it emits.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("Content-Security-Policy", policy);
  // A one-time message (lib/flash.ts) goes to the first full page load after the form's 303, and the
  // cookie is deleted in the same response. Only this code may set the header the page reads.
  requestHeaders.delete(FLASH_HEADER);
  const { webUrl } = webConfig();
  const flash = request.cookies.get(flashCookieName(webUrl))?.value;
  const consumesFlash =
    flash !== undefined &&
    request.method === "GET" &&
    // Not a client-side navigation or a prefetch: those fetch React data, not the page the 303 named.
    !request.headers.has("rsc") &&
    !request.headers.has("next-router-prefetch");
  if (consumesFlash) requestHeaders.set(FLASH_HEADER, flash);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  if (consumesFlash) {
    response.cookies.set(flashCookieName(webUrl), "", flashCookieOptions(webUrl, 0));
  }
  response.headers.set("Content-Security-Policy", policy);
  response.headers.set("Cache-Control", "no-store");
  return response;
}

export const config = {
  // Pages only: static assets are immutable files that carry no nonce and need no CSP.
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico).*)" }],
};
