// RFC 7591 OAuth 2.0 Dynamic Client Registration, §2 (metadata), §3.1 (request), §3.2 (responses).
import { isKnownScope, parseScopeParameter } from "@repo/scopes";
import { isLoopbackUrl } from "@repo/server-kit";
import type { Context } from "hono";
import { z } from "zod";
import type { ApplicationType, TokenEndpointAuthMethod } from "../db/schema";
import { OAuthError } from "../http/oauth-error";
import { readJsonObject } from "../http/request-body";
import { randomIdentifier, randomSecret, secretDigest } from "../security/secrets";
import type { AuthServer } from "../server-context";
import { audit, recordAuditEvent } from "../store/audit";
import { type ClientRecord, insertClient } from "../store/clients";
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
  })
  .meta({ id: "ClientRegistrationRequest", description: "RFC 7591 §2 client metadata." });

export type ClientRegistrationRequest = z.infer<typeof ClientRegistrationRequest>;

function invalidMetadata(description: string): OAuthError {
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

function parseRequest(body: Record<string, unknown>): ClientRegistrationRequest {
  if (body.redirect_uris === undefined) {
    throw new OAuthError(
      "invalid_redirect_uri",
      "redirect_uris is required: registered clients use the authorization code flow",
    );
  }
  const parsed = ClientRegistrationRequest.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? "request");
    const description = `${issue?.path.join(".") || field}: ${issue?.message ?? "invalid"}`;
    throw field === "redirect_uris"
      ? new OAuthError("invalid_redirect_uri", description)
      : invalidMetadata(description);
  }
  return parsed.data;
}

interface RegistrationDecision {
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

/** RFC 7591 §3.2.1: every registered metadata value, plus the credentials. */
/** RFC 7591 §3.2.1 client information response: the registered metadata, echoed. */
export const ClientInformationResponse = z
  .object({
    client_id: z.string(),
    client_id_issued_at: z.number().int(),
    client_secret: z.string().optional().describe("Only for confidential clients; shown once."),
    client_secret_expires_at: z.literal(0).optional().describe("0: the secret does not expire."),
    redirect_uris: z.array(z.string()),
    token_endpoint_auth_method: z.enum(["none", "client_secret_basic", "client_secret_post"]),
    grant_types: z.array(z.string()),
    response_types: z.array(z.string()),
    application_type: z.enum(["web", "native"]),
    client_name: z.string().optional(),
    client_uri: z.string().optional(),
    logo_uri: z.string().optional(),
    tos_uri: z.string().optional(),
    policy_uri: z.string().optional(),
    contacts: z.array(z.string()).optional(),
    scope: z.string().optional(),
    software_id: z.string().optional(),
    software_version: z.string().optional(),
  })
  .meta({ id: "ClientInformationResponse", description: "RFC 7591 §3.2.1 response." });

export function registrationResponse(
  client: ClientRecord,
  clientSecret: string | undefined,
): z.input<typeof ClientInformationResponse> {
  const optional = {
    client_name: client.clientName,
    client_uri: client.clientUri,
    logo_uri: client.logoUri,
    tos_uri: client.tosUri,
    policy_uri: client.policyUri,
    contacts: client.contacts,
    scope: client.scope,
    software_id: client.softwareId,
    software_version: client.softwareVersion,
  };
  return {
    client_id: client.clientId,
    client_id_issued_at: Math.floor(client.createdAt.getTime() / 1000),
    ...(clientSecret === undefined
      ? {}
      : { client_secret: clientSecret, client_secret_expires_at: 0 }),
    redirect_uris: client.redirectUris,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    grant_types: client.grantTypes,
    response_types: client.responseTypes,
    application_type: client.applicationType,
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value != null)),
  };
}

export function registerRoute(server: AuthServer) {
  return async (c: Context) => {
    const now = server.clock();
    const ipAddress = server.clientAddress(c);
    try {
      const request = parseRequest(await readJsonObject(c, "invalid_client_metadata"));
      const decision = decideRegistration(request);
      const clientSecret = decision.tokenEndpointAuthMethod === "none" ? undefined : randomSecret();
      const client = await server.store.transaction(async (tx) => {
        const inserted = await insertClient(tx, {
          clientId: randomIdentifier(),
          registrationType: "dynamic",
          clientSecretDigest: clientSecret === undefined ? null : secretDigest(clientSecret),
          tokenEndpointAuthMethod: decision.tokenEndpointAuthMethod,
          applicationType: decision.applicationType,
          redirectUris: decision.redirectUris,
          grantTypes: decision.grantTypes,
          responseTypes: decision.responseTypes,
          clientName: request.client_name?.trim() || null,
          clientUri: request.client_uri ?? null,
          logoUri: request.logo_uri ?? null,
          tosUri: request.tos_uri ?? null,
          policyUri: request.policy_uri ?? null,
          contacts: request.contacts ?? null,
          softwareId: request.software_id ?? null,
          softwareVersion: request.software_version ?? null,
          scope: decision.scope ?? null,
          createdAt: now,
        });
        await recordAuditEvent(
          tx,
          {
            event: "client.registered",
            outcome: "success",
            clientId: inserted.clientId,
            ipAddress,
            details: {
              clientName: inserted.clientName,
              redirectUris: inserted.redirectUris,
              tokenEndpointAuthMethod: inserted.tokenEndpointAuthMethod,
              applicationType: inserted.applicationType,
            },
          },
          now,
        );
        return inserted;
      });
      c.header("Cache-Control", "no-store");
      return c.json(registrationResponse(client, clientSecret), 201);
    } catch (error) {
      if (error instanceof OAuthError) {
        await audit(
          server.store,
          {
            event: "client.registration_rejected",
            outcome: "failure",
            ipAddress,
            details: { error: error.code, description: error.description },
          },
          now,
        );
      }
      throw error;
    }
  };
}
