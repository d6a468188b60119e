// Response headers that keep the login and consent pages out of frames, caches and referrers (AS-16).

/** Headers that are the same on every response; next.config.ts sends them. */
export const STATIC_SECURITY_HEADERS = [
  // Legacy twin of `frame-ancestors 'none'` for browsers without CSP level 2 (clickjacking).
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  // The interaction id travels in the URL; it must not leak to another site through `Referer`.
  // Not `no-referrer`: under that policy browsers send `Origin: null` on this app's own form posts,
  // which would blind the same-origin check in csrf.ts.
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  { key: "Cross-Origin-Resource-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
];

/** A fresh, unguessable value per response; Next.js adds it to its own script and style tags. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64");
}

export interface ContentSecurityPolicyOptions {
  nonce: string;
  /** `next dev` needs eval for React's debugging aids and inline styles for hot reloading. */
  development: boolean;
  /** Only an https site may ask the browser to upgrade its requests. */
  https: boolean;
}

export function contentSecurityPolicy(options: ContentSecurityPolicyOptions): string {
  const { nonce, development, https } = options;
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' ${development ? "'unsafe-inline'" : `'nonce-${nonce}'`}`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    // AS-16: the consent page must not be framed, or another site could overlay it and trick a
    // click on "Allow" (clickjacking).
    "frame-ancestors 'none'",
    // No `form-action`: browsers apply it to the redirects that follow a form submission, and the
    // consent form's answer is a 303 to the client's redirect URI, which is on another origin.
    ...(https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}
