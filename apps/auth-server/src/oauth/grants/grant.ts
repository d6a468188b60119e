// What every grant type handler of the token endpoint receives and returns (RFC 6749 §4, §5.1).

import type { AuthServer } from "../../server-context";
import type { AuthenticatedClient } from "../client-authentication";

export interface GrantInput {
  /** The form parameters, each present once (RFC 6749 §3.2). */
  parameters: Record<string, string>;
  /** RFC 8707 `resource`, the one parameter allowed to repeat. */
  resources: readonly string[] | undefined;
  authenticated: AuthenticatedClient;
  ipAddress: string | undefined;
}

/** RFC 6749 §5.1 successful response. */
export interface TokenResponse {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  scope: string;
  refresh_token?: string;
}

export type GrantHandler = (server: AuthServer, input: GrantInput) => Promise<TokenResponse>;
