// RFC 6750 §2.1 and §3 with RFC 9728 §5.1 for Hono: the bearer token gate of an MCP resource server.

import { challengeScope, missingScopes } from "@repo/scopes";
import type { Context, MiddlewareHandler } from "hono";
import { cloneRawRequest } from "hono/request";
import { type AccessTokenClaims, type AccessTokenKeySource, scopesOf } from "./access-token";
import { AccessTokenError, type AccessTokenErrorReason } from "./access-token-error";
import {
  type BearerChallenge,
  BearerRequestError,
  extractBearerToken,
  formatBearerChallenge,
} from "./bearer";
import { type AccessTokenVerifier, createAccessTokenVerifier } from "./verifier";

export type BearerOutcome =
  | "allowed"
  | "missing_token"
  | "invalid_token"
  | "insufficient_scope"
  | "invalid_request"
  /** The token could not be checked because the key source failed (answered 503). */
  | "verification_unavailable";

export interface BearerDecision {
  outcome: BearerOutcome;
  reason?: AccessTokenErrorReason;
  claims?: AccessTokenClaims;
  requiredScopes: readonly string[];
  /** What the client was told, when it was refused. */
  errorDescription?: string;
}

export interface RequireBearerOptions {
  /** Must equal the verifier's when `jwks` is a prebuilt verifier. */
  issuer: string;
  /** This resource's identifier (the MCP server's canonical URL); must equal the verifier's. */
  audience: string;
  /** A key source (a verifier with the default cache is built on it), or a prebuilt verifier. */
  jwks: AccessTokenKeySource | AccessTokenVerifier;
  resourceMetadataUrl: string;
  /**
   * Scopes the route needs; a function lets one middleware serve routes whose needs depend on the
   * request (e.g. per MCP tool). It runs before the token is checked, since a 401 challenge names
   * the scopes too, so it must cope with any request, including a malformed body.
   */
  requiredScopes?:
    | readonly string[]
    | ((c: Context) => readonly string[] | Promise<readonly string[]>);
  /** Scope advertised in 401 challenges (what a client should ask for first). Defaults to the request's required scopes. */
  challengeScopes?: readonly string[];
  /** Passed to the verifier built on a key source; a prebuilt verifier carries its own. */
  clockToleranceSeconds?: number;
  /** Called once per request with the decision, for audit logs (never receives the raw token). Awaited: if it throws, the request fails. */
  onDecision?: (decision: BearerDecision, c: Context) => void | Promise<void>;
}

export type BearerVariables = { accessToken: AccessTokenClaims };

/** How long a client is asked to wait when the issuer's keys could not be fetched. */
export const KEY_SOURCE_RETRY_AFTER_SECONDS = 5;

function verifierFor(options: RequireBearerOptions): AccessTokenVerifier {
  const { jwks } = options;
  if (typeof jwks === "function") {
    return createAccessTokenVerifier({
      issuer: options.issuer,
      audience: options.audience,
      keys: jwks,
      clockToleranceSeconds: options.clockToleranceSeconds,
    });
  }
  // A verifier built for another audience would accept tokens meant for another resource while the
  // challenges name this one: refuse the mismatch at start-up instead.
  if (jwks.issuer !== options.issuer || jwks.audience !== options.audience) {
    throw new TypeError("the verifier's issuer and audience must equal requireBearer's");
  }
  if (options.clockToleranceSeconds !== undefined) {
    throw new TypeError("clockToleranceSeconds is set on the verifier when one is passed");
  }
  return jwks;
}

const FORM_CONTENT_TYPE = /^application\/x-www-form-urlencoded[ \t]*(?:;|$)/i;

// OAuth 2.1 §5.2 and the MCP authorization spec allow the token only in the Authorization header:
// a query-string token ends up in access logs, browser history and Referer headers, and RFC 6750
// §2.2's form-body method is one MCP clients must not use. Either is an "unsupported parameter"
// (RFC 6750 §3.1 invalid_request), even next to a valid header, since one request must not carry
// its token two ways.
async function tokenOutsideHeader(c: Context): Promise<string | undefined> {
  if (c.req.query("access_token") !== undefined) {
    return "access tokens must be sent in the Authorization header, never in the query string";
  }
  const contentType = c.req.header("content-type");
  if (contentType !== undefined && FORM_CONTENT_TYPE.test(contentType)) {
    // A clone, so the handler still reads the body it was sent.
    const form = new URLSearchParams(await (await cloneRawRequest(c.req)).text());
    if (form.has("access_token")) {
      return "access tokens must be sent in the Authorization header, not in the request body";
    }
  }
  return undefined;
}

/**
 * Hono middleware that lets a request through only with a valid RFC 9068 access token for this
 * resource carrying the scopes the route needs, and sets `c.var.accessToken` to its claims.
 *
 * - token in the query string or form body, or a malformed Authorization header: 400 invalid_request
 * - no token: 401 with a challenge naming resource_metadata and scope, and no error (RFC 6750 §3.1)
 * - invalid, expired, forged, or meant for another resource or issuer: 401 invalid_token
 * - valid but lacking a scope: 403 insufficient_scope, scope = what this operation needs
 * - the key source failing: 503, because the token may well be good
 *
 * Every refusal carries `Cache-Control: no-store`. Put CORS before it: a preflight carries no token.
 */
export function requireBearer(
  options: RequireBearerOptions,
): MiddlewareHandler<{ Variables: BearerVariables }> {
  const verifier = verifierFor(options);
  const { requiredScopes: requiredScopesOption = [], resourceMetadataUrl, onDecision } = options;

  return async (c, next) => {
    const requiredScopes =
      typeof requiredScopesOption === "function"
        ? await requiredScopesOption(c)
        : requiredScopesOption;
    const advertisedScope = challengeScope(options.challengeScopes ?? requiredScopes);

    const decide = async (decision: Omit<BearerDecision, "requiredScopes">) => {
      await onDecision?.({ ...decision, requiredScopes }, c);
    };
    const refuse = async (
      status: 400 | 401 | 403,
      outcome: BearerOutcome,
      challenge: Omit<BearerChallenge, "resourceMetadataUrl">,
      details: Pick<BearerDecision, "reason" | "claims"> = {},
    ) => {
      const { error, errorDescription } = challenge;
      await decide({ outcome, ...details, errorDescription });
      const headers = {
        "WWW-Authenticate": formatBearerChallenge({ resourceMetadataUrl, ...challenge }),
        "Cache-Control": "no-store",
      };
      // RFC 6750 §3.1: a request without a token gets no error code or other error information;
      // the challenge is the whole answer, so there is no body to contradict it.
      if (error === undefined) return c.body(null, status, headers);
      return c.json({ error, error_description: errorDescription }, status, headers);
    };

    const misplaced = await tokenOutsideHeader(c);
    if (misplaced !== undefined) {
      return refuse(400, "invalid_request", {
        scope: advertisedScope,
        error: "invalid_request",
        errorDescription: misplaced,
      });
    }

    let token: string | null;
    try {
      token = extractBearerToken(c.req.header("authorization"));
    } catch (error) {
      if (!(error instanceof BearerRequestError)) throw error;
      return refuse(400, "invalid_request", {
        scope: advertisedScope,
        error: "invalid_request",
        errorDescription: error.message,
      });
    }
    if (token === null) return refuse(401, "missing_token", { scope: advertisedScope });

    let claims: AccessTokenClaims;
    try {
      claims = await verifier.verify(token);
    } catch (error) {
      if (!(error instanceof AccessTokenError)) throw error;
      if (error.reason === "key_source_unavailable") {
        await decide({
          outcome: "verification_unavailable",
          reason: error.reason,
          errorDescription: error.message,
        });
        return c.json({ error: "temporarily_unavailable", error_description: error.message }, 503, {
          "Cache-Control": "no-store",
          // RFC 9110 §10.2.3: tell the client when to try again instead of letting it retry at once.
          "Retry-After": String(KEY_SOURCE_RETRY_AFTER_SECONDS),
        });
      }
      return refuse(
        401,
        "invalid_token",
        { scope: advertisedScope, error: "invalid_token", errorDescription: error.message },
        { reason: error.reason },
      );
    }

    const missing = missingScopes(scopesOf(claims), requiredScopes);
    if (missing.length > 0) {
      // RFC 6750 §3.1 with MCP 2025-11-25's recommended approach: the scopes the token already holds
      // plus every scope this operation needs, in one challenge. A 2025-11-25 client (the TypeScript
      // SDK 1.32.2 among them) re-authorizes with exactly this set, so naming only the missing scopes
      // would make it trade its old permissions for the new one. 2026-07-28 clients accumulate scopes
      // themselves; the union costs them nothing.
      return refuse(
        403,
        "insufficient_scope",
        {
          scope: challengeScope([...scopesOf(claims), ...requiredScopes]),
          error: "insufficient_scope",
          errorDescription: `access token lacks the scope this operation requires: ${missing.join(" ")}`,
        },
        { claims },
      );
    }

    c.set("accessToken", claims);
    await decide({ outcome: "allowed", claims });
    await next();
  };
}
