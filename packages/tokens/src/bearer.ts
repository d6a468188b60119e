// RFC 6750 bearer tokens on the wire: the Authorization header (§2.1) and the WWW-Authenticate challenge (§3).

/** A request that carries its token wrongly: RFC 6750 §3.1 invalid_request, HTTP 400. */
export class BearerRequestError extends Error {
  override readonly name = "BearerRequestError";
  readonly error = "invalid_request";
}

// RFC 9110 §11.4 credentials = auth-scheme [ 1*SP ... ], auth-scheme = token = 1*tchar.
const AUTH_SCHEME = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)(?: |$)/;

// RFC 6750 §2.1: "Bearer" 1*SP b64token, b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
// RFC 9449 §7.1 gives the DPoP scheme the same token68 syntax.
const TOKEN_CREDENTIALS = /^(?:Bearer|DPoP) +([A-Za-z0-9\-._~+/]+=*)$/i;

/** How the access token was presented: RFC 6750 `Bearer`, or RFC 9449 `DPoP` with a proof. */
export type AccessTokenScheme = "Bearer" | "DPoP";

export interface PresentedToken {
  scheme: AccessTokenScheme;
  token: string;
}

/**
 * The token and scheme of an `Authorization: Bearer` header, or of a `DPoP` one when `dpop` is on;
 * null when the request carries no such credentials (no header, an empty one, or another scheme
 * such as Basic). Throws BearerRequestError when the header is not a well-formed credentials value,
 * or is one of those schemes whose token is missing or not a token68.
 */
export function extractAccessToken(
  authorization: string | undefined | null,
  { dpop }: { dpop: boolean },
): PresentedToken | null {
  if (authorization === undefined || authorization === null) return null;
  // RFC 9110 §5.5: leading and trailing whitespace is not part of a field value.
  const credentials = authorization.replace(/^[ \t]+|[ \t]+$/g, "");
  if (credentials === "") return null;
  const scheme = AUTH_SCHEME.exec(credentials)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    throw new BearerRequestError("the Authorization header is malformed");
  }
  // RFC 6750 §3.1: a client that "attempted using an unsupported authentication method" lacks
  // authentication information; it gets the plain challenge that names the schemes to use, not an error.
  if (scheme !== "bearer" && !(dpop && scheme === "dpop")) return null;
  const token = TOKEN_CREDENTIALS.exec(credentials)?.[1];
  if (token === undefined) {
    const name = scheme === "dpop" ? "DPoP" : "Bearer";
    throw new BearerRequestError(`the Authorization header must be ${name} followed by one token`);
  }
  return { scheme: scheme === "dpop" ? "DPoP" : "Bearer", token };
}

/** extractAccessToken for a resource that takes Bearer tokens only. */
export function extractBearerToken(authorization: string | undefined | null): string | null {
  return extractAccessToken(authorization, { dpop: false })?.token ?? null;
}

export interface BearerChallenge {
  /** RFC 9728 §5.1: where the client finds the protected resource metadata. */
  resourceMetadataUrl: string;
  /** RFC 6750 §3 space-separated scopes the request needs; omitted when empty. */
  scope?: string;
  error?: "invalid_request" | "invalid_token" | "insufficient_scope";
  errorDescription?: string;
}

export interface DpopChallenge {
  /** RFC 9449 §7.1 `algs`: the proof algorithms accepted. */
  algorithms: readonly string[];
  error?: "invalid_request" | "invalid_token" | "insufficient_scope" | "invalid_dpop_proof";
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

/** `error` and, with it only, `error_description` (RFC 6750 §3; RFC 9449 §7.1 uses the same). */
function errorParameters(
  error: string | undefined,
  errorDescription: string | undefined,
): string[] {
  if (error === undefined) return [];
  const parameters = [`error=${quotedString("error", error)}`];
  if (errorDescription !== undefined && errorDescription !== "") {
    const description = errorDescriptionValue(errorDescription);
    parameters.push(`error_description=${quotedString("error_description", description)}`);
  }
  return parameters;
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
  parameters.push(...errorParameters(challenge.error, challenge.errorDescription));
  return `Bearer ${parameters.join(", ")}`;
}

/**
 * RFC 9449 §7.1 `DPoP algs="…", error="…", error_description="…"`, sent beside the Bearer challenge
 * (which keeps `resource_metadata` and `scope`). It carries the error when the request used DPoP.
 */
export function formatDpopChallenge(challenge: DpopChallenge): string {
  const parameters = [`algs=${quotedString("algs", challenge.algorithms.join(" "))}`];
  parameters.push(...errorParameters(challenge.error, challenge.errorDescription));
  return `DPoP ${parameters.join(", ")}`;
}
