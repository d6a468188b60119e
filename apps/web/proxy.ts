// Runs before every page and every form post: the same-origin rule for forms, a per-request CSP
// nonce, no caching of pages that carry sign-in state, the consent page's browser binding cookie and
// the delivery of one-time messages.
import { type NextRequest, NextResponse } from "next/server";
import { webConfig } from "@/lib/config";
import {
  bindingCookieName,
  bindingCookieOptions,
  isBindingSecret,
  newBindingSecret,
} from "@/lib/consent-binding";
import { FORGED_FORM_MESSAGE, isSameOriginPost } from "@/lib/csrf";
import { FLASH_HEADER, flashCookieName, flashCookieOptions } from "@/lib/flash";
import { isRequestId, REQUEST_ID_HEADER } from "@/lib/request-id";
import { REQUEST_PATH_HEADER } from "@/lib/return-path";
import { contentSecurityPolicy, newNonce } from "@/lib/security-headers";

export function proxy(request: NextRequest) {
  const { webUrl } = webConfig();
  // Every POST here is a Server Action (lib/form-actions.ts): one from another site is refused before
  // Next decodes it, with a 403 (lib/csrf.ts says what this adds to Next's own check).
  if (!isSafeMethod(request.method) && !isSameOriginPost(request.headers, webUrl)) {
    return new NextResponse(`${FORGED_FORM_MESSAGE}\n`, {
      status: 403,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
    });
  }
  const policy = contentSecurityPolicy({
    nonce: newNonce(),
    development: process.env.NODE_ENV === "development",
    https: webUrl.startsWith("https:"),
  });
  // The consent page's browser binding (lib/consent-binding.ts): made here because a page cannot set
  // cookies while it renders, and renewed on every view so it lasts from the first view to the decision.
  const binding = isConsentView(request) ? consentBindingSecret(request, webUrl) : undefined;
  // Next.js reads the nonce from the request's CSP header while rendering and puts it on the
  // script and style tags it emits.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("Content-Security-Policy", policy);
  // Where a page whose session the auth-server refused returns after the sign-in (request-context.ts).
  requestHeaders.set(REQUEST_PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  // The proxy's request id, or one of our own, for the calls this request makes (lib/request-id.ts).
  const requestId = request.headers.get(REQUEST_ID_HEADER);
  requestHeaders.set(REQUEST_ID_HEADER, isRequestId(requestId) ? requestId : crypto.randomUUID());
  // A one-time message (lib/flash.ts) goes to the first full page load after the action that left it,
  // and the cookie is deleted in the same response. Only this code may set the header the page reads.
  requestHeaders.delete(FLASH_HEADER);
  const flash = request.cookies.get(flashCookieName(webUrl))?.value;
  if (flash !== undefined && isReactDataRequest(request)) {
    // Next renders a Server Action's redirect target inside the action's own response, and a
    // client-side navigation as React data; the browser keeps any cookie such a response would delete.
    // An empty answer makes Next's router load the page in full instead, which delivers the message.
    return new NextResponse(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  }
  const consumesFlash = flash !== undefined && request.method === "GET" && !isPrefetch(request);
  if (consumesFlash) requestHeaders.set(FLASH_HEADER, flash);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  if (consumesFlash) {
    response.cookies.set(flashCookieName(webUrl), "", flashCookieOptions(webUrl, 0));
  }
  if (binding !== undefined) {
    response.cookies.set(bindingCookieName(webUrl), binding, bindingCookieOptions(webUrl));
  }
  response.headers.set("Content-Security-Policy", policy);
  response.headers.set("Cache-Control", "no-store");
  return response;
}

function isSafeMethod(method: string): boolean {
  return method === "GET" || method === "HEAD" || method === "OPTIONS";
}

/** Next's router asking for a page's React data: a client-side navigation or an action's redirect. */
function isReactDataRequest(request: NextRequest): boolean {
  return request.method === "GET" && request.headers.has("rsc") && !isPrefetch(request);
}

/** A prefetch shows nothing to the person, so it neither delivers nor discards a message. */
function isPrefetch(request: NextRequest): boolean {
  return request.headers.has("next-router-prefetch");
}

function isConsentView(request: NextRequest): boolean {
  return request.method === "GET" && request.nextUrl.pathname === "/consent";
}

/** The browser's binding secret; a new one, visible to this very request's page, when it has none. */
function consentBindingSecret(request: NextRequest, webUrl: string): string {
  const name = bindingCookieName(webUrl);
  const existing = request.cookies.get(name)?.value;
  if (isBindingSecret(existing)) return existing;
  const secret = newBindingSecret();
  // Rewrites the request's Cookie header, which the page reads through cookies().
  request.cookies.set(name, secret);
  return secret;
}

export const config = {
  // Pages only: static assets are immutable files that carry no nonce and need no CSP.
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico).*)" }],
};
