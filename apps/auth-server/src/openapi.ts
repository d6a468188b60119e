// OpenAPI 3.1 description of the public OAuth endpoints, generated from the zod schemas the handlers
// validate requests with and type their responses by (hono-openapi). Served at /openapi.json;
// docs/api-reference.md is rendered from it (scripts/api-reference.ts) and checked in CI.

import type { Hono } from "hono";
import { describeRoute, generateSpecs, resolver } from "hono-openapi";
import type { OpenAPIV3_1 } from "openapi-types";
import { z } from "zod";
import { OAuthErrorResponse } from "./http/oauth-error";
import { AuthorizationRequest } from "./oauth/authorize";
import { ClientRegistrationRequest } from "./oauth/client-metadata";
import { AuthorizationCodeTokenRequest } from "./oauth/grants/authorization-code";
import { ClientCredentialsTokenRequest } from "./oauth/grants/client-credentials";
import { TokenResponse } from "./oauth/grants/grant";
import { RefreshTokenRequest } from "./oauth/grants/refresh-token";
import { IntrospectionRequest, IntrospectionResponse } from "./oauth/introspect";
import { AuthorizationServerMetadata, JsonWebKeySet } from "./oauth/metadata";
import { ClientInformationResponse } from "./oauth/register";
import { RevocationRequest } from "./oauth/revoke";

export const OPENAPI_PATH = "/openapi.json";

const FORM = "application/x-www-form-urlencoded";

/**
 * RFC 6749 §2.3.1 client_secret_post, RFC 7523 §2.2 private_key_jwt, and §3.2.1's client_id for
 * public clients. The client authentication step reads these by hand (it must also weigh the
 * Authorization header), so this schema only describes them; the token, revocation and
 * introspection schemas extend it.
 */
const ClientAuthenticationParameters = z.object({
  client_id: z
    .string()
    .optional()
    .describe(
      "Public clients (`none`) and client_secret_post; omitted with client_secret_basic, optional with private_key_jwt (then it must equal the assertion's `sub`).",
    ),
  client_secret: z.string().optional().describe("client_secret_post only."),
  client_assertion_type: z
    .literal("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
    .optional()
    .describe("private_key_jwt only (RFC 7523 §2.2)."),
  client_assertion: z
    .string()
    .optional()
    .describe(
      "private_key_jwt only: a JWT signed with one of the client's registered keys (RFC 7523 §3).",
    ),
});

/** RFC 8707 §2: the one parameter that may repeat; the token's audience. */
const ResourceParameter = z.object({
  resource: z
    .url()
    .optional()
    .describe("RFC 8707 resource indicator: the canonical URL of the MCP server."),
});

const TokenRequest = z
  .discriminatedUnion("grant_type", [
    AuthorizationCodeTokenRequest.extend(ClientAuthenticationParameters.shape)
      .extend(ResourceParameter.shape)
      .meta({ id: "AuthorizationCodeTokenRequest" }),
    RefreshTokenRequest.extend(ClientAuthenticationParameters.shape)
      .extend(ResourceParameter.shape)
      .meta({ id: "RefreshTokenRequest" }),
    ClientCredentialsTokenRequest.extend(ClientAuthenticationParameters.shape)
      .extend(ResourceParameter.shape)
      .meta({ id: "ClientCredentialsTokenRequest" }),
  ])
  .meta({ id: "TokenRequest", description: "RFC 6749 §4.1.3, §6 and §4.4 token requests." });

/** A zod object's members as OpenAPI query parameters (hono-openapi derives them only from its validator). */
function queryParameters(schema: z.ZodObject): OpenAPIV3_1.ParameterObject[] {
  const jsonSchema = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  const required = new Set(jsonSchema.required ?? []);
  return Object.entries(jsonSchema.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property as OpenAPIV3_1.SchemaObject;
    // openapi-types types a 3.1 parameter's schema as a 3.0 one; the value is 3.1 JSON Schema.
    return {
      name,
      in: "query",
      required: required.has(name),
      description,
      schema: rest,
    } as OpenAPIV3_1.ParameterObject;
  });
}

const json = (schema: z.ZodType) => ({ "application/json": { schema: resolver(schema) } });

function oauthError(description: string) {
  return { description, content: json(OAuthErrorResponse) };
}

/** Basic, or (the empty requirement) client_secret_post / `none` through the form's own fields. */
const CLIENT_AUTHENTICATION: OpenAPIV3_1.SecurityRequirementObject[] = [
  { clientSecretBasic: [] },
  {},
];

const THROTTLED = oauthError(
  "Too many requests from this address (`Retry-After` says when to retry).",
);
const UNAVAILABLE = oauthError(
  "The database or the shared limit store is unreachable (`Retry-After` says when to retry).",
);

export const describeMetadata = describeRoute({
  tags: ["Discovery"],
  summary: "Authorization server metadata (RFC 8414 §3)",
  description: "Where MCP clients learn every endpoint and capability after the MCP server's 401.",
  responses: {
    200: { description: "The metadata document.", content: json(AuthorizationServerMetadata) },
  },
});

export const describeJwks = describeRoute({
  tags: ["Discovery"],
  summary: "Token signing keys (RFC 7517 §5)",
  description:
    "The public keys resource servers verify access tokens with; a retired key stays until every token it signed has expired.",
  responses: { 200: { description: "The JWK Set.", content: json(JsonWebKeySet) } },
});

export const describeAuthorize = describeRoute({
  tags: ["Authorization"],
  summary: "Authorization request (OAuth 2.1 §4.1.1, RFC 7636, RFC 8707)",
  description:
    "A browser navigation, not an API call. A valid request is stored and the browser is sent to the web app's consent page; the answer returns to the client's redirect URI with `code`, `state` and `iss` (RFC 9207).",
  parameters: queryParameters(AuthorizationRequest),
  responses: {
    303: { description: "To the web app's sign-in and consent page." },
    302: {
      description:
        "An error sent back to a pre-registered or loopback redirect URI (`error`, `state`, `iss`).",
    },
    400: {
      description:
        "An HTML error page: unknown client or unregistered redirect URI (never redirected), or an error the person may choose to return with.",
    },
    429: { description: "An HTML page: too many authorization requests from this address." },
  },
});

export const describeRegister = describeRoute({
  tags: ["Registration"],
  summary: "Dynamic client registration (RFC 7591 §3)",
  description:
    "For clients acting for a person (authorization code with refresh tokens). Public clients get no secret; machine clients are never created here.",
  requestBody: { required: true, content: json(ClientRegistrationRequest) },
  responses: {
    201: { description: "The registered client.", content: json(ClientInformationResponse) },
    400: oauthError("`invalid_redirect_uri` or `invalid_client_metadata` (RFC 7591 §3.2.2)."),
    413: oauthError("The body is larger than the registration limit."),
    429: THROTTLED,
    503: UNAVAILABLE,
  },
});

export const describeToken = describeRoute({
  tags: ["Tokens"],
  summary: "Token request (RFC 6749 §3.2)",
  description:
    "Exchanges an authorization code (PKCE verified), rotates a refresh token, or issues a client-credentials token. Responses are never cached. With a `DPoP` proof (RFC 9449 §5) the access token is bound to the proof's key.",
  security: CLIENT_AUTHENTICATION,
  parameters: [
    {
      name: "DPoP",
      in: "header",
      required: false,
      description:
        "RFC 9449 §4 proof (`typ: dpop+jwt`, `htm: POST`, `htu`: this endpoint). Required for clients registered with `dpop_bound_access_tokens`, and with the server's nonce under DPOP_NONCE_REQUIRED.",
      schema: { type: "string" },
    },
  ],
  requestBody: { required: true, content: { [FORM]: { schema: resolver(TokenRequest) } } },
  responses: {
    200: { description: "The tokens.", content: json(TokenResponse) },
    400: oauthError(
      "RFC 6749 §5.2 errors, `invalid_target` (RFC 8707 §2), and `invalid_dpop_proof` or `use_dpop_nonce` with a `DPoP-Nonce` header (RFC 9449 §5, §8).",
    ),
    401: oauthError("`invalid_client`: client authentication failed."),
    429: THROTTLED,
    503: UNAVAILABLE,
  },
});

export const describeRevoke = describeRoute({
  tags: ["Tokens"],
  summary: "Token revocation (RFC 7009 §2)",
  description:
    "Revokes a refresh token (and its family) or an access token. An unknown or foreign token also answers 200 (§2.2).",
  security: CLIENT_AUTHENTICATION,
  requestBody: {
    required: true,
    content: {
      [FORM]: {
        schema: resolver(
          RevocationRequest.extend(ClientAuthenticationParameters.shape).meta({
            id: "RevocationRequest",
          }),
        ),
      },
    },
  },
  responses: {
    200: { description: "Revoked, or nothing to revoke." },
    400: oauthError("A malformed request (RFC 7009 §2.2.1)."),
    401: oauthError("`invalid_client`: client authentication failed."),
    429: THROTTLED,
    503: UNAVAILABLE,
  },
});

export const describeIntrospect = describeRoute({
  tags: ["Tokens"],
  summary: "Token introspection (RFC 7662 §2)",
  description:
    "For confidential clients an administrator allowed to introspect (resource servers, the web app) (§4).",
  // client_secret_post is the alternative: the form's client_id and client_secret.
  security: CLIENT_AUTHENTICATION,
  requestBody: {
    required: true,
    content: {
      [FORM]: {
        schema: resolver(
          IntrospectionRequest.extend(ClientAuthenticationParameters.shape).meta({
            id: "IntrospectionRequest",
          }),
        ),
      },
    },
  },
  responses: {
    200: {
      description: "Whether the token is active, and its claims.",
      content: json(IntrospectionResponse),
    },
    400: oauthError("A malformed request."),
    401: oauthError("`invalid_client`: client authentication failed, or a public client."),
    403: oauthError("`unauthorized_client`: this client may not introspect."),
    429: THROTTLED,
    503: UNAVAILABLE,
  },
});

export const describeHealth = describeRoute({
  tags: ["Operations"],
  summary: "Health check",
  description: "Answers once the database answers; for load balancers and orchestrators.",
  responses: {
    200: {
      description: "Healthy.",
      content: json(z.object({ status: z.literal("ok") }).meta({ id: "Health" })),
    },
    503: UNAVAILABLE,
  },
});

export const describeOpenApi = describeRoute({
  tags: ["Operations"],
  summary: "This document (OpenAPI 3.1)",
  responses: { 200: { description: "The OpenAPI document." } },
});

/** Paths that are served but described elsewhere, with the reason (checked by test/openapi.test.ts). */
export const UNDESCRIBED_PATHS: Readonly<Record<string, string>> = {
  "/.well-known/oauth-protected-resource/internal":
    "the internal API's RFC 9728 metadata; the internal API is for the web app (docs/internal-api.md)",
};

/** The document for `app`, generated from the routes that carry a description above. */
export async function openApiDocument(app: Hono, issuer: string): Promise<OpenAPIV3_1.Document> {
  const document = await generateSpecs(app, {
    // jwks.json ends like a static file, which the generator would otherwise leave out.
    excludeStaticFile: false,
    documentation: {
      info: {
        title: "MCP OAuth 2.1 reference: authorization server",
        version: "0.1.0",
        description:
          "The public endpoints of an OAuth 2.1 authorization server for MCP: discovery, dynamic registration, the authorization code flow with PKCE and resource indicators, client credentials, revocation and introspection. Every error body is RFC 6749 §5.2 JSON.",
        license: { name: "MIT", identifier: "MIT" },
      },
      servers: [{ url: issuer }],
      components: {
        securitySchemes: {
          clientSecretBasic: {
            type: "http",
            scheme: "basic",
            description: "RFC 6749 §2.3.1: client_id and client_secret, form-urlencoded, as Basic.",
          },
        },
      },
    },
  });
  return document as OpenAPIV3_1.Document;
}
