// What every grant type handler of the token endpoint receives and returns (RFC 6749 §4, §5.1).
import { z } from "zod";
import type { AuthServer } from "../../server-context";
import type { AuthenticatedClient } from "../client-authentication";

export interface GrantInput {
  /** The form parameters, each present once (RFC 6749 §3.2). */
  parameters: Record<string, string>;
  /** RFC 8707 `resource`, the one parameter allowed to repeat. */
  resources: readonly string[] | undefined;
  authenticated: AuthenticatedClient;
  ipAddress: string | undefined;
  /** RFC 7638 thumbprint of the request's verified DPoP proof key (RFC 9449 §5); none without one. */
  dpopJkt: string | undefined;
}

/**
 * RFC 6749 §5.1 successful response. Every grant handler returns this type, and the OpenAPI document
 * (src/openapi.ts) is generated from the same schema, so the two cannot disagree.
 */
export const TokenResponse = z
  .object({
    access_token: z.string().describe("An RFC 9068 JWT access token (`typ: at+jwt`, ES256)."),
    token_type: z
      .enum(["Bearer", "DPoP"])
      .describe("`DPoP` when the request carried a DPoP proof: the token is bound to its key."),
    expires_in: z.number().int().positive().describe("Seconds until the access token expires."),
    scope: z.string().describe("The granted scopes, space-separated (RFC 6749 §3.3)."),
    resource: z
      .string()
      .describe(
        "The resource (RFC 8707) the access token is for, its `aud`, so a client can see a resource" +
          " mix-up before sending the token anywhere (draft-mcguinness-oauth-resource-token-resp).",
      ),
    refresh_token: z
      .string()
      .optional()
      .describe("Opaque; rotated on every use (OAuth 2.1 §4.3.1). Absent for client_credentials."),
  })
  .meta({ id: "TokenResponse", description: "RFC 6749 §5.1 successful token response." });
export type TokenResponse = z.infer<typeof TokenResponse>;

export type GrantHandler = (server: AuthServer, input: GrantInput) => Promise<TokenResponse>;
