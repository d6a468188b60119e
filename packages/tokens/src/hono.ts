// RFC 6750 §2.1 and §3 with RFC 9728 §5.1 for Hono: the bearer (and RFC 9449 DPoP) token gate of an MCP resource server.

import { challengeScope, missingScopes } from "@repo/scopes";
import type { Context, MiddlewareHandler } from "hono";
import { cloneRawRequest } from "hono/request";
import { type AccessTokenClaims, type AccessTokenKeySource, scopesOf } from "./access-token";
import { AccessTokenError, type AccessTokenErrorReason } from "./access-token-error";
import {
  type AccessTokenScheme,
  type BearerChallenge,
  BearerRequestError,
  extractAccessToken,
  formatBearerChallenge,
  formatDpopChallenge,
} from "./bearer";
import {
  DPOP_SIGNING_ALGORITHMS,
  DpopProofError,
  type DpopProofErrorReason,
  type DpopReplayCache,
  DpopReplayCacheUnavailableError,
  verifyDpopProof,
} from "./dpop";
import { type AccessTokenVerifier, createAccessTokenVerifier } from "./verifier";

export type BearerOutcome =
  | "allowed"
  | "missing_token"
  | "invalid_token"
  | "insufficient_scope"
  | "invalid_request"
  /** RFC 9449 §7.1: a DPoP proof that fails its checks. */
  | "invalid_dpop_proof"
  /** The token could not be checked because the key source failed (answered 503). */
  | "verification_unavailable";

/** Why a token presented with or without DPoP does not fit how it is bound (RFC 9449 §7). */
export type DpopBindingReason =
  /** A DPoP-bound token sent as a bearer token: whoever stole it could use it. */
  | "bound_token_as_bearer"
  /** A token without `cnf.jkt` sent with the DPoP scheme: there is no key to check the proof against. */
  | "unbound_token_as_dpop"
  /** The proof is good but signed by another key than the one the token is bound to. */
  | "wrong_key"
  /** The deployment takes DPoP-bound tokens only. */
  | "dpop_required";

export interface BearerDecision {
  outcome: BearerOutcome;
  reason?: AccessTokenErrorReason | DpopProofErrorReason | DpopBindingReason;
  /** How the token was presented, once one was. */
  scheme?: AccessTokenScheme;
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
  /**
   * RFC 9449 DPoP: when set, `Authorization: DPoP <token>` with a `DPoP` proof is accepted, a
   * DPoP-bound token (`cnf.jkt`) is accepted only that way, and every challenge names DPoP as well.
   */
  dpop?: DpopOptions;
  /** Called once per request with the decision, for audit logs (never receives the raw token). Awaited: if it throws, the request fails. */
  onDecision?: (decision: BearerDecision, c: Context) => void | Promise<void>;
}

export interface DpopOptions {
  /** Proof ids seen recently; shared by every replica of the resource. */
  replayCache: DpopReplayCache;
  /** The URL the client addressed (the proof's `htu`); defaults to the request's own URL. */
  requestUrl?: (c: Context) => string;
  /** Refuse bearer tokens: only DPoP-bound tokens with their proof are let through. */
  required?: boolean;
}

export type BearerVariables = { accessToken: AccessTokenClaims };

const DPOP_BINDING_MESSAGES: Record<DpopBindingReason, string> = {
  bound_token_as_bearer:
    "this access token is bound to a DPoP key and must be sent with the DPoP scheme and a proof",
  unbound_token_as_dpop: "this access token is not bound to a DPoP key; send it as a Bearer token",
  wrong_key: "the DPoP proof is signed by another key than the one this access token is bound to",
  dpop_required: "this resource accepts DPoP-bound access tokens only",
};

/** How long a client is asked to wait when the issuer's keys or the DPoP replay cache did not answer. */
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
 * - with `dpop`: a DPoP-bound token as a bearer token, or with a proof that fails RFC 9449 §4.3, or
 *   by another key: 401 invalid_token / invalid_dpop_proof, in the DPoP challenge
 * - the key source or the DPoP replay cache failing: 503, because the token may well be good
 *
 * Every refusal carries `Cache-Control: no-store`. Put CORS before it: a preflight carries no token.
 */
export function requireBearer(
  options: RequireBearerOptions,
): MiddlewareHandler<{ Variables: BearerVariables }> {
  const verifier = verifierFor(options);
  const {
    requiredScopes: requiredScopesOption = [],
    resourceMetadataUrl,
    onDecision,
    dpop,
  } = options;

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
      challenge: Omit<BearerChallenge, "resourceMetadataUrl" | "error"> & {
        error?: BearerChallenge["error"] | "invalid_dpop_proof";
      },
      details: Pick<BearerDecision, "reason" | "claims" | "scheme"> = {},
    ) => {
      const { error, errorDescription, scope } = challenge;
      await decide({ outcome, ...details, errorDescription });
      // The error goes in the challenge of the scheme the client used (RFC 9449 §7.1); the Bearer
      // challenge always keeps resource_metadata and scope, which is where MCP clients look.
      const onDpop = details.scheme === "DPoP";
      const bearer = formatBearerChallenge({
        resourceMetadataUrl,
        scope,
        ...(onDpop || error === "invalid_dpop_proof"
          ? {}
          : { error: error as BearerChallenge["error"], errorDescription }),
      });
      const headers = {
        "WWW-Authenticate": dpop
          ? `${bearer}, ${formatDpopChallenge({
              algorithms: DPOP_SIGNING_ALGORITHMS,
              ...(onDpop ? { error, errorDescription } : {}),
            })}`
          : bearer,
        "Cache-Control": "no-store",
      };
      // RFC 6750 §3.1: a request without a token gets no error code or other error information;
      // the challenge is the whole answer, so there is no body to contradict it.
      if (error === undefined) return c.body(null, status, headers);
      return c.json({ error, error_description: errorDescription }, status, headers);
    };

    // The token may well be good when what checks it does not answer (the issuer's keys, the DPoP
    // replay cache): 503, never a pass and never a 401 that makes the client throw the token away.
    const unavailable = async (message: string, reason?: AccessTokenErrorReason) => {
      await decide({ outcome: "verification_unavailable", reason, errorDescription: message });
      return c.json({ error: "temporarily_unavailable", error_description: message }, 503, {
        "Cache-Control": "no-store",
        // RFC 9110 §10.2.3: tell the client when to try again instead of letting it retry at once.
        "Retry-After": String(KEY_SOURCE_RETRY_AFTER_SECONDS),
      });
    };

    const misplaced = await tokenOutsideHeader(c);
    if (misplaced !== undefined) {
      return refuse(400, "invalid_request", {
        scope: advertisedScope,
        error: "invalid_request",
        errorDescription: misplaced,
      });
    }

    let presented: ReturnType<typeof extractAccessToken>;
    try {
      presented = extractAccessToken(c.req.header("authorization"), { dpop: dpop !== undefined });
    } catch (error) {
      if (!(error instanceof BearerRequestError)) throw error;
      return refuse(400, "invalid_request", {
        scope: advertisedScope,
        error: "invalid_request",
        errorDescription: error.message,
      });
    }
    if (presented === null) return refuse(401, "missing_token", { scope: advertisedScope });
    const { scheme, token } = presented;

    let claims: AccessTokenClaims;
    try {
      claims = await verifier.verify(token);
    } catch (error) {
      if (!(error instanceof AccessTokenError)) throw error;
      if (error.reason === "key_source_unavailable")
        return unavailable(error.message, error.reason);
      return refuse(
        401,
        "invalid_token",
        { scope: advertisedScope, error: "invalid_token", errorDescription: error.message },
        { reason: error.reason, scheme },
      );
    }

    if (dpop) {
      let refusal: DpopRefusal | undefined;
      try {
        refusal = await dpopRefusal(c, dpop, scheme, token, claims);
      } catch (error) {
        if (!(error instanceof DpopReplayCacheUnavailableError)) throw error;
        return unavailable(error.message);
      }
      if (refusal !== undefined) {
        const { reason, error, message } = refusal;
        return refuse(
          401,
          error,
          { scope: advertisedScope, error, errorDescription: message },
          { reason, claims, scheme },
        );
      }
    } else if (claims.cnf !== undefined) {
      // Without DPoP support a bound token cannot be checked, and must not pass as a bearer token.
      return refuse(
        401,
        "invalid_token",
        {
          scope: advertisedScope,
          error: "invalid_token",
          errorDescription: "this resource does not accept DPoP-bound access tokens",
        },
        { reason: "bound_token_as_bearer", claims, scheme },
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
        { claims, scheme },
      );
    }

    c.set("accessToken", claims);
    await decide({ outcome: "allowed", claims, scheme });
    await next();
  };
}

interface DpopRefusal {
  reason: DpopProofErrorReason | DpopBindingReason;
  error: "invalid_token" | "invalid_dpop_proof";
  message: string;
}

/**
 * RFC 9449 §7: what is wrong with how a verified token was presented, or undefined when it may pass.
 * A bound token needs the DPoP scheme and a proof by its key (§7.1, with `ath`); an unbound one the
 * Bearer scheme, unless the deployment requires DPoP.
 */
async function dpopRefusal(
  c: Context,
  dpop: DpopOptions,
  scheme: AccessTokenScheme,
  token: string,
  claims: AccessTokenClaims,
): Promise<DpopRefusal | undefined> {
  const binding = (reason: DpopBindingReason): DpopRefusal => ({
    reason,
    error: "invalid_token",
    message: DPOP_BINDING_MESSAGES[reason],
  });
  const jkt = claims.cnf?.jkt;
  if (scheme === "Bearer") {
    if (jkt !== undefined) return binding("bound_token_as_bearer");
    return dpop.required ? binding("dpop_required") : undefined;
  }
  if (jkt === undefined) return binding("unbound_token_as_dpop");
  try {
    const proof = await verifyDpopProof(c.req.header("dpop"), {
      method: c.req.method,
      url: dpop.requestUrl?.(c) ?? c.req.url,
      accessToken: token,
      replayCache: dpop.replayCache,
    });
    return proof.jkt === jkt ? undefined : binding("wrong_key");
  } catch (error) {
    if (!(error instanceof DpopProofError)) throw error;
    return { reason: error.reason, error: "invalid_dpop_proof", message: error.message };
  }
}
