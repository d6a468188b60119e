// Runs before every page: a per-request CSP nonce, and no caching of pages that carry sign-in state.
import { type NextRequest, NextResponse } from "next/server";
import { webConfig } from "./lib/config";
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
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", policy);
  response.headers.set("Cache-Control", "no-store");
  return response;
}

export const config = {
  // Pages only: static assets are immutable files that carry no nonce and need no CSP.
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico).*)" }],
};
