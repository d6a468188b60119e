// OAuth 2.1 §4.1.1 authorization request, with RFC 7636 PKCE (S256 only), RFC 8707 `resource` and
// RFC 9207 `iss` in every response. A valid request becomes an interaction for the web app's login
// and consent pages (docs/internal-api.md); nothing is issued here.
import {
  isKnownScope,
  narrowScopes,
  OFFLINE_ACCESS_SCOPE,
  parseScopeParameter,
} from "@repo/scopes";
import { isLoopbackUrl } from "@repo/server-kit";
import type { Context } from "hono";
import { z } from "zod";
import { authorizationErrorPage } from "../http/error-page";
import { OAuthError } from "../http/oauth-error";
import { randomSecret } from "../security/secrets";
import type { AuthServer } from "../server-context";
import { audit, recordAuditEvent } from "../store/audit";
import type { ClientRecord } from "../store/clients";
import { insertInteraction } from "../store/interactions";
import { authorizationResponseUri } from "./authorization-response";
import { ClientResolutionError, resolveClient } from "./client-resolution";
import { S256_CODE_CHALLENGE } from "./pkce";
import { redirectUriIsRegistered } from "./redirect-uri";
import { type ProtectedResource, resolveResource, scopeAudience } from "./resources";

/** How long a person has to sign in and decide (the issue: ten minutes). */
export const INTERACTION_LIFETIME_SECONDS = 600;
const MAX_STATE_LENGTH = 2000;
/** An RFC 7638 SHA-256 thumbprint, base64url without padding: 43 characters. */
const JWK_THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;

/**
 * The query parameters once the client and redirect URI are known to be genuine (OAuth 2.1 §4.1.1).
 * `client_id` and `redirect_uri` are checked before this, by hand, because their errors are shown to
 * the person and never redirected; `resource` may repeat (RFC 8707 §2) and is resolved on its own.
 * The OpenAPI document's /authorize parameters are generated from this schema.
 */
export const AuthorizationRequest = z.object({
  client_id: z.string().describe("The client's id, or the https URL of its metadata document."),
  redirect_uri: z
    .string()
    .optional()
    .describe("Exactly as registered (the port of a loopback URI may differ, RFC 8252 §7.3)."),
  state: z
    .string()
    .max(MAX_STATE_LENGTH, "state is too long")
    .optional()
    .describe("Returned unchanged with the response (RFC 6749 §10.12)."),
  response_type: z
    .literal("code", {
      error: (issue) =>
        issue.input === undefined
          ? "response_type is required"
          : "only response_type=code is supported",
    })
    .describe("Only `code`: OAuth 2.1 has no implicit grant."),
  code_challenge: z
    .string({ error: "code_challenge is required (PKCE, S256)" })
    .regex(
      S256_CODE_CHALLENGE,
      "code_challenge must be the 43-character base64url SHA-256 of the code verifier",
    )
    .describe("RFC 7636 §4.2: BASE64URL(SHA-256(code_verifier))."),
  code_challenge_method: z
    .literal("S256", {
      error: (issue) =>
        issue.input === undefined
          ? "code_challenge_method is required and must be S256 (the default, plain, is not accepted)"
          : "code_challenge_method must be S256",
    })
    .describe("Only `S256`: `plain` protects nothing once the request is observed."),
  scope: z
    .string()
    .optional()
    .describe("Space-separated; without it, the scope the client registered."),
  resource: z
    .url()
    .optional()
    .describe("RFC 8707 resource indicator: the canonical URL of the MCP server."),
  dpop_jkt: z
    .string()
    .regex(
      JWK_THUMBPRINT,
      "dpop_jkt must be the base64url SHA-256 JWK thumbprint (RFC 7638) of the client's DPoP key",
    )
    .optional()
    .describe(
      "RFC 9449 §10: the JWK thumbprint of the client's DPoP key; the code is then redeemable only with a proof signed by that key.",
    ),
});

/** RFC 6749 §4.1.2.1 error codes, plus RFC 8707's invalid_target. */
export type AuthorizationErrorCode =
  | "invalid_request"
  | "unauthorized_client"
  | "access_denied"
  | "unsupported_response_type"
  | "invalid_scope"
  | "server_error"
  | "temporarily_unavailable"
  | "invalid_target";

/** An error that is safe to send back to the client's (validated) redirect URI. */
export class AuthorizationError extends Error {
  constructor(
    readonly code: AuthorizationErrorCode,
    readonly description: string,
  ) {
    super(`${code}: ${description}`);
    this.name = "AuthorizationError";
  }
}

/** RFC 6749 §3.1: parameters must not repeat; only RFC 8707 `resource` may. */
function readQuery(url: string): {
  single: Map<string, string>;
  duplicates: Set<string>;
  resources: string[];
} {
  const single = new Map<string, string>();
  const duplicates = new Set<string>();
  const resources: string[] = [];
  for (const [name, value] of new URL(url).searchParams) {
    if (name === "resource") {
      resources.push(value);
      continue;
    }
    if (single.has(name)) duplicates.add(name);
    // §3.1: a parameter sent without a value is treated as omitted.
    if (value !== "") single.set(name, value);
  }
  return { single, duplicates, resources };
}

export function authorizeRoute(server: AuthServer) {
  return async (c: Context) => {
    const now = server.clock();
    const ipAddress = server.clientAddress(c);
    const query = readQuery(c.req.url);

    // Until the client and its redirect URI are known to be genuine, errors are shown, never redirected.
    const showError = async (
      title: string,
      explanation: string,
      reason: string,
      clientId?: string,
    ) => {
      await audit(
        server.store,
        {
          event: "authorization.rejected",
          outcome: "failure",
          clientId: clientId?.slice(0, 200),
          ipAddress,
          details: { reason, shownToUser: true },
        },
        now,
      );
      return authorizationErrorPage(c, 400, title, explanation);
    };

    const clientId = query.single.get("client_id");
    if (clientId === undefined || query.duplicates.has("client_id")) {
      return showError(
        "This sign-in link is incomplete",
        "The request does not say which application is asking (client_id is missing or repeated).",
        "missing or repeated client_id",
      );
    }
    let client: ClientRecord;
    try {
      client = await resolveClient(server, clientId);
    } catch (error) {
      if (!(error instanceof ClientResolutionError)) throw error;
      return showError(
        "Unknown application",
        `This server does not know the application that sent you here. ${error.message}`,
        error.message,
        clientId,
      );
    }

    const requestedRedirectUri = query.single.get("redirect_uri");
    let redirectUri: string;
    if (query.duplicates.has("redirect_uri")) {
      return showError(
        "This sign-in link is not valid",
        "The request names more than one return address (redirect_uri).",
        "repeated redirect_uri",
        client.clientId,
      );
    }
    if (requestedRedirectUri === undefined) {
      // OAuth 2.1 §4.1.1: optional only when exactly one redirect URI is registered.
      const [only, ...others] = client.redirectUris;
      if (only === undefined || others.length > 0) {
        return showError(
          "This sign-in link is incomplete",
          "The request does not say where to return (redirect_uri is missing).",
          "missing redirect_uri",
          client.clientId,
        );
      }
      redirectUri = only;
    } else if (redirectUriIsRegistered(client.redirectUris, requestedRedirectUri)) {
      redirectUri = requestedRedirectUri;
    } else {
      return showError(
        "This sign-in link is not valid",
        "The application asked to return to an address it did not register. This is how stolen sign-ins are attempted, so the request was stopped.",
        "redirect_uri not registered",
        client.clientId,
      );
    }

    const state = query.single.get("state");
    try {
      const interaction = validateAuthorizationRequest(server, client, query);
      const id = randomSecret();
      await server.store.transaction(async (tx) => {
        await insertInteraction(tx, {
          id,
          clientId: client.clientId,
          redirectUri,
          redirectUriSent: requestedRedirectUri !== undefined,
          state: state ?? null,
          scopes: interaction.scopes,
          resource: interaction.resource.identifier,
          codeChallenge: interaction.codeChallenge,
          dpopJkt: interaction.dpopJkt ?? null,
          createdAt: now,
          expiresAt: new Date(now.getTime() + INTERACTION_LIFETIME_SECONDS * 1000),
        });
        await recordAuditEvent(
          tx,
          {
            event: "authorization.requested",
            outcome: "success",
            clientId: client.clientId,
            ipAddress,
            details: {
              resource: interaction.resource.identifier,
              scope: interaction.scopes.join(" "),
            },
          },
          now,
        );
      });
      c.header("Cache-Control", "no-store");
      // The interaction id is all the web app receives; it reads the rest over the internal API.
      return c.redirect(
        `${server.config.webUrl}/consent?interaction=${encodeURIComponent(id)}`,
        303,
      );
    } catch (error) {
      if (!(error instanceof AuthorizationError)) throw error;
      await audit(
        server.store,
        {
          event: "authorization.rejected",
          outcome: "failure",
          clientId: client.clientId,
          ipAddress,
          details: { error: error.code, description: error.description },
        },
        now,
      );
      c.header("Cache-Control", "no-store");
      const errorResponseUri = authorizationResponseUri(redirectUri, server.config.issuer, {
        error: error.code,
        error_description: error.description,
        state,
      });
      if (!redirectsWithoutAsking(client, redirectUri)) {
        // RFC 9700 §4.11.2: anyone can register a client whose redirect URI is their own site, and an
        // automatic error redirect would make this server's address a link to it (phishing). The
        // person sees the error and the destination, and decides.
        return authorizationErrorPage(
          c,
          400,
          "This sign-in request cannot be completed",
          `${client.clientName ?? "The application"} asked for something this server does not allow: ${error.description}.`,
          { href: errorResponseUri, host: new URL(redirectUri).host },
        );
      }
      return c.redirect(errorResponseUri, 302);
    }
  };
}

interface ValidAuthorizationRequest {
  resource: ProtectedResource;
  scopes: string[];
  codeChallenge: string;
  dpopJkt: string | undefined;
}

/**
 * Whether an error may go back to the redirect URI without the person choosing to follow it: for
 * pre-registered clients (an administrator vouched for the URI) and loopback redirects (they lead
 * to the person's own machine, not to a site an attacker could name).
 */
function redirectsWithoutAsking(client: ClientRecord, redirectUri: string): boolean {
  return client.registrationType === "pre_registered" || isLoopbackUrl(new URL(redirectUri));
}

function validateAuthorizationRequest(
  server: AuthServer,
  client: ClientRecord,
  query: ReturnType<typeof readQuery>,
): ValidAuthorizationRequest {
  const [duplicate] = query.duplicates;
  if (duplicate !== undefined) {
    throw new AuthorizationError(
      "invalid_request",
      `parameter ${duplicate.slice(0, 40)} is included more than once`,
    );
  }
  const request = AuthorizationRequest.safeParse(Object.fromEntries(query.single));
  if (!request.success) {
    const [issue] = request.error.issues;
    // A response_type that is present but not `code` has an error code of its own (§4.1.2.1).
    const unsupported =
      issue?.path[0] === "response_type" && query.single.get("response_type") !== undefined;
    throw new AuthorizationError(
      unsupported ? "unsupported_response_type" : "invalid_request",
      issue?.message ?? "invalid authorization request",
    );
  }
  if (!client.grantTypes.includes("authorization_code")) {
    throw new AuthorizationError(
      "unauthorized_client",
      "this client is not registered for the authorization_code grant",
    );
  }
  // OAuth 2.1 §4.1.1 / §7.5.1: PKCE for every client, public or confidential; S256 only (above).
  const codeChallenge = request.data.code_challenge;

  // Only the MCP resources take part in the code flow; the internal API is for the web app's own client.
  const userResources = server.resources.filter((resource) => resource.audience === "mcp");
  let resource: ProtectedResource;
  try {
    resource = resolveResource(
      userResources,
      query.resources,
      userResources.length === 1 ? userResources[0] : undefined,
    );
  } catch (error) {
    if (error instanceof OAuthError)
      throw new AuthorizationError("invalid_target", error.description);
    throw error;
  }
  if (client.allowedResources && !client.allowedResources.includes(resource.identifier)) {
    throw new AuthorizationError("invalid_target", "this client may not request that resource");
  }

  const scopes = requestedScopes(client, request.data.scope, resource);
  return { resource, scopes, codeChallenge, dpopJkt: request.data.dpop_jkt };
}

function requestedScopes(
  client: ClientRecord,
  scopeParameter: string | undefined,
  resource: ProtectedResource,
): string[] {
  // RFC 6749 §3.3: with no scope, the server may use a default; ours is what the client registered.
  const value = scopeParameter ?? client.scope ?? undefined;
  if (value === undefined) {
    throw new AuthorizationError("invalid_scope", "scope is required");
  }
  const parsed = parseScopeParameter(value);
  if (!parsed.ok) throw new AuthorizationError("invalid_scope", parsed.error);
  // Refresh tokens come with every code grant here, so offline_access (SEP-2207) adds nothing; it is
  // accepted and dropped rather than failing clients that add it by habit.
  const scopes = parsed.scopes.filter((scope) => scope !== OFFLINE_ACCESS_SCOPE);
  const unknown = scopes.filter((scope) => !isKnownScope(scope));
  if (unknown.length > 0) {
    throw new AuthorizationError(
      "invalid_scope",
      `unknown scope: ${unknown.join(" ").slice(0, 200)}`,
    );
  }
  const misdirected = scopes.filter((scope) => scopeAudience(scope) !== resource.audience);
  if (misdirected.length > 0) {
    throw new AuthorizationError(
      "invalid_scope",
      `scope not valid for the requested resource: ${misdirected.join(" ").slice(0, 200)}`,
    );
  }
  // Only pre-registered clients carry an allow-list; for the others the person's consent decides
  // (a registered scope never caps later requests: MCP clients register first and step up later).
  const allowed = client.allowedScopes
    ? narrowScopes(scopes, client.allowedScopes).granted
    : scopes;
  if (allowed.length === 0) {
    throw new AuthorizationError(
      "invalid_scope",
      "none of the requested scopes is allowed for this client",
    );
  }
  return allowed;
}
