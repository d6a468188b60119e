// Error responses of RFC 6749 §5.2 (token), RFC 7591 §3.2.2 (registration), RFC 7009 §2.2.1, RFC 8707 §2
// and RFC 9449 §5 and §8 (DPoP at the token endpoint):
// one JSON shape, one type, each code knowing its HTTP status.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";

export const OAuthErrorCode = z.enum([
  // RFC 6749 §5.2
  "invalid_request",
  "invalid_client",
  "invalid_grant",
  "unauthorized_client",
  "unsupported_grant_type",
  "invalid_scope",
  // RFC 6749 §4.1.2.1 (also used for throttling, with 429)
  "temporarily_unavailable",
  "server_error",
  // RFC 8707 §2
  "invalid_target",
  // RFC 7591 §3.2.2
  "invalid_redirect_uri",
  "invalid_client_metadata",
  // RFC 7009 §2.2.1
  "unsupported_token_type",
  // RFC 9449 §5, §8
  "invalid_dpop_proof",
  "use_dpop_nonce",
  // Not OAuth: a path or method this server does not serve.
  "not_found",
  "method_not_allowed",
]);
export type OAuthErrorCode = z.infer<typeof OAuthErrorCode>;

/** The one error body every endpoint answers with; the OpenAPI document is generated from it. */
export const OAuthErrorResponse = z
  .object({
    error: OAuthErrorCode,
    error_description: z.string().describe("Printable ASCII without quote or backslash (§5.2)."),
  })
  .meta({ id: "OAuthErrorResponse", description: "RFC 6749 §5.2 error response." });

const DEFAULT_STATUS: Record<OAuthErrorCode, ContentfulStatusCode> = {
  invalid_request: 400,
  // RFC 6749 §5.2 allows 401 for every failed client authentication; SDK clients re-register on this code.
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  temporarily_unavailable: 503,
  server_error: 500,
  invalid_target: 400,
  invalid_redirect_uri: 400,
  invalid_client_metadata: 400,
  unsupported_token_type: 400,
  invalid_dpop_proof: 400,
  use_dpop_nonce: 400,
  not_found: 404,
  method_not_allowed: 405,
};

/**
 * RFC 6749 §5.2: error_description is limited to %x20-21 / %x23-5B / %x5D-7E — no quote, no backslash,
 * nothing outside printable ASCII. Messages are written freely and made conformant here.
 */
export function conformantDescription(description: string): string {
  return description
    .replace(/"/g, "'")
    .replace(/\\/g, "/")
    .replace(/[^\x20-\x7e]/g, "?")
    .slice(0, 500);
}

export class OAuthError extends Error {
  readonly status: ContentfulStatusCode;
  readonly description: string;
  readonly headers: Record<string, string>;

  constructor(
    readonly code: OAuthErrorCode,
    description: string,
    options: { status?: ContentfulStatusCode; headers?: Record<string, string> } = {},
  ) {
    super(`${code}: ${description}`);
    this.name = "OAuthError";
    this.description = conformantDescription(description);
    this.status = options.status ?? DEFAULT_STATUS[code];
    this.headers = options.headers ?? {};
  }

  toResponse(c: Context): Response {
    // RFC 6749 §5.1/§5.2: token endpoint responses, errors included, must not be cached.
    c.header("Cache-Control", "no-store");
    for (const [name, value] of Object.entries(this.headers)) c.header(name, value);
    const body: z.input<typeof OAuthErrorResponse> = {
      error: this.code,
      error_description: this.description,
    };
    return c.json(body, this.status);
  }
}
