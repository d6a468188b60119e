// RFC 7591 §2 client metadata: what a client may say about itself, and this server's registration
// policy on it. Pure: both dynamic registration (register.ts) and metadata documents
// (client-metadata-document.ts) apply it before anything is stored.
import { isKnownScope, parseScopeParameter } from "@repo/scopes";
import { isLoopbackUrl } from "@repo/server-kit";
import { z } from "zod";
import type { ApplicationType, TokenEndpointAuthMethod } from "../db/schema";
import { OAuthError } from "../http/oauth-error";
import { inferApplicationType, redirectUriProblem } from "./redirect-uri";
import { scopeAudience } from "./resources";

const SUPPORTED_AUTH_METHODS: readonly TokenEndpointAuthMethod[] = [
  "none",
  "client_secret_basic",
  "client_secret_post",
];
const REGISTRABLE_GRANT_TYPES = ["authorization_code", "refresh_token"];

// Display strings reach the consent page; control characters could disguise what a person approves.
const displayText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !/\p{Cc}/u.test(value), "must not contain control characters")
    // Bidirectional controls reorder the text around them: "Safe\u202Eppa-liam" displays as another
    // name on the consent screen (Trojan Source, CVE-2021-42574).
    .refine(
      (value) => !/[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u.test(value),
      "must not contain bidirectional control characters",
    );

/** Absent, or the empty string some clients send for "none" (the MCP SDK's schema allows it). */
const optionalUri = z
  .string()
  .max(2000)
  .optional()
  .transform((value) => (value === "" ? undefined : value));

/** The registration request as RFC 7591 §2 defines it; unknown members are ignored as §2 requires. */
export const ClientRegistrationRequest = z
  .object({
    redirect_uris: z.array(z.string()).min(1, "at least one redirect URI is required").max(10),
    token_endpoint_auth_method: z.string().max(100).optional(),
    grant_types: z.array(z.string().max(100)).min(1).max(10).optional(),
    response_types: z.array(z.string().max(100)).min(1).max(10).optional(),
    application_type: z.string().max(100).optional(),
    client_name: displayText(200).optional(),
    client_uri: optionalUri,
    logo_uri: optionalUri,
    tos_uri: optionalUri,
    policy_uri: optionalUri,
    contacts: z.array(displayText(320)).max(10).optional(),
    scope: z.string().max(2000).optional(),
    software_id: displayText(200).optional(),
    software_version: displayText(200).optional(),
    /** RFC 9449 §5.2: true, and /token issues this client nothing without a DPoP proof. */
    dpop_bound_access_tokens: z.boolean().optional(),
  })
  .meta({ id: "ClientRegistrationRequest", description: "RFC 7591 §2 client metadata." });

export type ClientRegistrationRequest = z.infer<typeof ClientRegistrationRequest>;

export function invalidMetadata(description: string): OAuthError {
  return new OAuthError("invalid_client_metadata", description);
}

/** A page a person may be shown or sent to (client_uri, logo_uri, tos_uri, policy_uri). */
function webUriProblem(value: string): string | undefined {
  if (!URL.canParse(value)) return "is not an absolute URL";
  const uri = new URL(value);
  if (uri.protocol === "https:") return undefined;
  if (uri.protocol === "http:" && isLoopbackUrl(uri)) return undefined;
  return "must use https";
}

export interface RegistrationDecision {
  applicationType: ApplicationType;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  grantTypes: string[];
  responseTypes: string[];
  redirectUris: string[];
  scope: string | undefined;
}

/** Applies this server's registration policy to a well-formed request. */
export function decideRegistration(request: ClientRegistrationRequest): RegistrationDecision {
  let applicationType: ApplicationType;
  if (request.application_type === undefined) {
    applicationType = inferApplicationType(request.redirect_uris);
  } else if (request.application_type === "native" || request.application_type === "web") {
    applicationType = request.application_type;
  } else {
    throw invalidMetadata('application_type must be "native" or "web"');
  }

  // RFC 7591 §2: the default is client_secret_basic; MCP clients without a backend send "none".
  const tokenEndpointAuthMethod = (request.token_endpoint_auth_method ??
    "client_secret_basic") as TokenEndpointAuthMethod;
  if (!SUPPORTED_AUTH_METHODS.includes(tokenEndpointAuthMethod)) {
    throw invalidMetadata(
      `token_endpoint_auth_method must be one of: ${SUPPORTED_AUTH_METHODS.join(", ")}`,
    );
  }

  const grantTypes = [...new Set(request.grant_types ?? ["authorization_code"])];
  if (grantTypes.includes("client_credentials")) {
    // Anyone can call this endpoint; a client_credentials client registered here would get tokens
    // with no person consenting. Machine clients are pre-registered by an administrator instead.
    throw invalidMetadata(
      "registration policy: client_credentials clients cannot be registered dynamically; machine clients are pre-registered by an administrator",
    );
  }
  const unsupported = grantTypes.filter((grant) => !REGISTRABLE_GRANT_TYPES.includes(grant));
  if (unsupported.length > 0) {
    throw invalidMetadata(
      `unsupported grant_types: ${unsupported.map((grant) => JSON.stringify(grant.slice(0, 40))).join(", ")}; registered clients use ${REGISTRABLE_GRANT_TYPES.join(" and ")}`,
    );
  }
  if (!grantTypes.includes("authorization_code")) {
    throw invalidMetadata("grant_types must include authorization_code");
  }
  const responseTypes = [...new Set(request.response_types ?? ["code"])];
  // RFC 7591 §2.1: authorization_code pairs with the "code" response type, and OAuth 2.1 has no other.
  if (responseTypes.length !== 1 || responseTypes[0] !== "code") {
    throw invalidMetadata('response_types must be ["code"]');
  }

  const redirectUris = [...new Set(request.redirect_uris)];
  for (const [index, redirectUri] of redirectUris.entries()) {
    const problem = redirectUriProblem(redirectUri, applicationType);
    if (problem) throw new OAuthError("invalid_redirect_uri", `redirect_uris[${index}] ${problem}`);
  }

  for (const field of ["client_uri", "logo_uri", "tos_uri", "policy_uri"] as const) {
    const value = request[field];
    const problem = value === undefined ? undefined : webUriProblem(value);
    if (problem) throw invalidMetadata(`${field} ${problem}`);
  }

  let scope: string | undefined;
  if (request.scope !== undefined) {
    const parsed = parseScopeParameter(request.scope);
    if (!parsed.ok) throw invalidMetadata(`scope: ${parsed.error}`);
    // RFC 7591 §2 lets the server replace requested metadata. Unknown scopes are dropped rather than
    // refused, because generic clients register with scopes such as "openid"; the registered scope is
    // informational only (the person's consent decides what a client gets).
    const kept = parsed.scopes.filter(
      (value) => isKnownScope(value) && scopeAudience(value) === "mcp",
    );
    scope = kept.length > 0 ? kept.join(" ") : undefined;
  }

  return {
    applicationType,
    tokenEndpointAuthMethod,
    grantTypes,
    responseTypes,
    redirectUris,
    scope,
  };
}
