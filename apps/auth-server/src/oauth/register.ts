// RFC 7591 OAuth 2.0 Dynamic Client Registration: §3.1 (request), §3.2 (responses). What the metadata
// (§2) may say, and this server's policy on it, is client-metadata.ts.
import type { Context } from "hono";
import { z } from "zod";
import { OAuthError } from "../http/oauth-error";
import { readJsonObject } from "../http/request-body";
import { randomIdentifier, randomSecret, secretDigest } from "../security/secrets";
import type { AuthServer } from "../server-context";
import { audit, recordAuditEvent } from "../store/audit";
import { type ClientRecord, insertClient } from "../store/clients";
import { ClientRegistrationRequest, decideRegistration, invalidMetadata } from "./client-metadata";

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

/** RFC 7591 §3.2.1: every registered metadata value, plus the credentials. */
/** RFC 7591 §3.2.1 client information response: the registered metadata, echoed. */
export const ClientInformationResponse = z
  .object({
    client_id: z.string(),
    client_id_issued_at: z.number().int(),
    client_secret: z.string().optional().describe("Only for confidential clients; shown once."),
    client_secret_expires_at: z.literal(0).optional().describe("0: the secret does not expire."),
    redirect_uris: z.array(z.string()),
    token_endpoint_auth_method: z.enum([
      "none",
      "client_secret_basic",
      "client_secret_post",
      "private_key_jwt",
    ]),
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
    dpop_bound_access_tokens: z
      .boolean()
      .describe("RFC 9449 §5.2: true, and /token refuses this client's requests without a proof."),
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
    dpop_bound_access_tokens: client.dpopBoundAccessTokens,
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
          dpopBoundAccessTokens: request.dpop_bound_access_tokens ?? false,
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
