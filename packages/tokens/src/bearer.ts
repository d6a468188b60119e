// RFC 6750 bearer tokens on the wire: the Authorization header (§2.1) and the WWW-Authenticate challenge (§3).

/** A request that carries its token wrongly: RFC 6750 §3.1 invalid_request, HTTP 400. */
export class BearerRequestError extends Error {
  override readonly name = "BearerRequestError";
  readonly error = "invalid_request";
}

// RFC 9110 §11.4 credentials = auth-scheme [ 1*SP ... ], auth-scheme = token = 1*tchar.
const AUTH_SCHEME = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)(?: |$)/;

// RFC 6750 §2.1: "Bearer" 1*SP b64token, b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
const BEARER_CREDENTIALS = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * The token of an RFC 6750 §2.1 `Authorization: Bearer` header; null when the request carries no
 * bearer credentials (no header, an empty one, or another scheme such as Basic). Throws
 * BearerRequestError when the header is not a well-formed credentials value, or is a Bearer one whose
 * token is missing or not a b64token.
 */
export function extractBearerToken(authorization: string | undefined | null): string | null {
  if (authorization === undefined || authorization === null) return null;
  // RFC 9110 §5.5: leading and trailing whitespace is not part of a field value.
  const credentials = authorization.replace(/^[ \t]+|[ \t]+$/g, "");
  if (credentials === "") return null;
  const scheme = AUTH_SCHEME.exec(credentials)?.[1];
  if (scheme === undefined) {
    throw new BearerRequestError("the Authorization header is malformed");
  }
  // RFC 6750 §3.1: a client that "attempted using an unsupported authentication method" lacks
  // authentication information; it gets the plain challenge that tells it to use Bearer, not an error.
  if (scheme.toLowerCase() !== "bearer") return null;
  const token = BEARER_CREDENTIALS.exec(credentials)?.[1];
  if (token === undefined) {
    throw new BearerRequestError("the Authorization header must be Bearer followed by one token");
  }
  return token;
}

export interface BearerChallenge {
  /** RFC 9728 §5.1: where the client finds the protected resource metadata. */
  resourceMetadataUrl: string;
  /** RFC 6750 §3 space-separated scopes the request needs; omitted when empty. */
  scope?: string;
  error?: "invalid_request" | "invalid_token" | "insufficient_scope";
  errorDescription?: string;
}

// RFC 9110 §5.6.4 quoted-string: a value may carry any visible ASCII or SP once `"` and `\` are
// escaped, but never a control character, which would let a value end the header (CR LF injection).
const QUOTABLE = /^[\x20-\x7E]*$/;

function quotedString(name: string, value: string): string {
  if (!QUOTABLE.test(value)) {
    throw new TypeError(`the ${name} challenge parameter must be printable ASCII`);
  }
  return `"${value.replace(/[\\"]/g, "\\$&")}"`;
}

// RFC 6750 §3: error_description = *( %x20-21 / %x23-5B / %x5D-7E ). It is free text, so characters it
// may not hold are replaced rather than thrown on: an error response must always be sendable.
function errorDescriptionValue(description: string): string {
  return description.replace(/"/g, "'").replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, "?");
}

/**
 * `Bearer resource_metadata="…", scope="…", error="…", error_description="…"`. Every value is a
 * quoted-string; the scheme comes first so clients that split on the first space find it (the MCP
 * SDK does). A challenge without `error` carries no error_description either (RFC 6750 §3.1: a request
 * without a token gets no error information).
 */
export function formatBearerChallenge(challenge: BearerChallenge): string {
  const parameters = [
    `resource_metadata=${quotedString("resource_metadata", challenge.resourceMetadataUrl)}`,
  ];
  if (challenge.scope !== undefined && challenge.scope !== "") {
    parameters.push(`scope=${quotedString("scope", challenge.scope)}`);
  }
  if (challenge.error !== undefined) {
    parameters.push(`error=${quotedString("error", challenge.error)}`);
    if (challenge.errorDescription !== undefined && challenge.errorDescription !== "") {
      const description = errorDescriptionValue(challenge.errorDescription);
      parameters.push(`error_description=${quotedString("error_description", description)}`);
    }
  }
  return `Bearer ${parameters.join(", ")}`;
}
