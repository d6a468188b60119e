// Client authentication (RFC 6749 §2.3) at the token, revocation and introspection endpoints: §2.3.1
// client_secret_basic and client_secret_post for confidential clients, RFC 7523 §2.2 private_key_jwt
// for clients that registered public keys, and public clients identified by client_id alone
// (`none`), as §3.2.1 allows at the token endpoint.
import type { Context } from "hono";
import { decodeJwt } from "jose";
import type { TokenEndpointAuthMethod } from "../db/schema";
import type { Refusal } from "../http/client-authentication-limit";
import { OAuthError } from "../http/oauth-error";
import { secretMatchesDigest } from "../security/secrets";
import type { AuthServer } from "../server-context";
import { type AuditEntry, audit } from "../store/audit";
import { type ClientRecord, findClient, isConfidential } from "../store/clients";
import {
  ClientAssertionError,
  JWT_BEARER_ASSERTION_TYPE,
  MAX_CLIENT_ASSERTION_LENGTH,
  verifyClientAssertion,
} from "./private-key-jwt";

export interface AuthenticatedClient {
  client: ClientRecord;
  method: TokenEndpointAuthMethod;
}

/** Why authentication failed, for the audit log; the client only ever sees a generic invalid_client. */
export class ClientAuthenticationError extends OAuthError {
  constructor(
    readonly attemptedClientId: string | undefined,
    readonly reason: string,
    usedAuthorizationHeader: boolean,
  ) {
    super("invalid_client", "client authentication failed", {
      // RFC 6749 §5.2: a failed Authorization-header authentication answers 401 with a matching challenge.
      headers: usedAuthorizationHeader ? { "WWW-Authenticate": 'Basic realm="oauth"' } : {},
    });
  }
}

const MAX_CLIENT_ID_LENGTH = 2048;

/** RFC 6749 §2.3.1: the id and secret are form-urlencoded before base64, so "+" means space. */
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, "%20"));
}

function parseBasicCredentials(header: string): { clientId: string; clientSecret: string } {
  const match = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(header);
  if (!match?.[1]) {
    throw new OAuthError(
      "invalid_request",
      "the Authorization header is not valid Basic credentials",
    );
  }
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const separator = decoded.indexOf(":");
  if (separator < 0) {
    throw new OAuthError("invalid_request", "Basic credentials must be client_id:client_secret");
  }
  try {
    return {
      clientId: formDecode(decoded.slice(0, separator)),
      clientSecret: formDecode(decoded.slice(separator + 1)),
    };
  } catch {
    throw new OAuthError("invalid_request", "Basic credentials are not correctly form-encoded");
  }
}

export interface ClientAuthenticationInput {
  authorizationHeader: string | undefined;
  parameters: Record<string, string>;
}

interface PresentedCredentials {
  clientId: string;
  clientSecret?: string;
  /** RFC 7523 §2.2 `client_assertion`, not yet verified. */
  clientAssertion?: string;
  method: TokenEndpointAuthMethod;
}

/**
 * RFC 7523 §2.2: the client is the assertion's `sub` (§3 item 2), read here before the signature is
 * checked, only to find the key to check it with. A `client_id` sent as well must name the same client.
 */
function presentedAssertion(
  parameters: Record<string, string>,
  usedAuthorizationHeader: boolean,
): PresentedCredentials {
  const { client_assertion: assertion, client_assertion_type: type, client_id } = parameters;
  if (usedAuthorizationHeader || parameters.client_secret !== undefined) {
    throw new OAuthError(
      "invalid_request",
      "use only one client authentication method per request",
    );
  }
  if (assertion === undefined || type === undefined) {
    throw new OAuthError(
      "invalid_request",
      "client_assertion and client_assertion_type must be sent together",
    );
  }
  if (type !== JWT_BEARER_ASSERTION_TYPE) {
    throw new ClientAuthenticationError(client_id, "unsupported client_assertion_type", false);
  }
  let subject: unknown;
  try {
    if (assertion.length > MAX_CLIENT_ASSERTION_LENGTH) throw new Error("too long");
    subject = decodeJwt(assertion).sub;
  } catch {
    throw new ClientAuthenticationError(client_id, "malformed client assertion", false);
  }
  if (typeof subject !== "string") {
    throw new ClientAuthenticationError(client_id, "the client assertion has no sub", false);
  }
  if (client_id !== undefined && client_id !== subject) {
    throw new ClientAuthenticationError(
      subject,
      "client_id does not match the client assertion's sub",
      false,
    );
  }
  return { clientId: subject, clientAssertion: assertion, method: "private_key_jwt" };
}

/** Which client the request names and how it authenticates; throws on malformed credentials. */
function presentedCredentials(input: ClientAuthenticationInput): PresentedCredentials {
  const { authorizationHeader, parameters } = input;
  const bodyClientId = parameters.client_id;
  const bodySecret = parameters.client_secret;

  let presented: PresentedCredentials;
  if (parameters.client_assertion !== undefined || parameters.client_assertion_type !== undefined) {
    presented = presentedAssertion(parameters, authorizationHeader !== undefined);
  } else if (authorizationHeader !== undefined) {
    if (bodySecret !== undefined) {
      throw new OAuthError(
        "invalid_request",
        "use only one client authentication method per request",
      );
    }
    const basic = parseBasicCredentials(authorizationHeader);
    if (bodyClientId !== undefined && bodyClientId !== basic.clientId) {
      throw new OAuthError("invalid_request", "client_id does not match the Authorization header");
    }
    presented = { ...basic, method: "client_secret_basic" };
  } else if (bodySecret !== undefined) {
    if (bodyClientId === undefined) {
      throw new OAuthError("invalid_request", "client_secret was sent without client_id");
    }
    presented = { clientId: bodyClientId, clientSecret: bodySecret, method: "client_secret_post" };
  } else if (bodyClientId !== undefined) {
    presented = { clientId: bodyClientId, method: "none" };
  } else {
    throw new ClientAuthenticationError(undefined, "no client identification", false);
  }

  if (presented.clientId.length === 0 || presented.clientId.length > MAX_CLIENT_ID_LENGTH) {
    throw new ClientAuthenticationError(
      undefined,
      "malformed client_id",
      presented.method === "client_secret_basic",
    );
  }
  return presented;
}

/**
 * Checks the presented credentials against the stored client (undefined when none has the id). A
 * confidential client must prove its secret with either secret method (both carry the same secret,
 * so accepting both adds no risk); a public client must not present one. A private_key_jwt client
 * proves itself with a signed assertion and nothing else, and only it may present one. OAuth 2.1 §2.4:
 * "MUST NOT use more than one authentication method in each request".
 */
async function verifyCredentials(
  server: AuthServer,
  presented: PresentedCredentials,
  client: ClientRecord | undefined,
): Promise<AuthenticatedClient> {
  const viaHeader = presented.method === "client_secret_basic";
  const keyClient = client?.tokenEndpointAuthMethod === "private_key_jwt";
  if (presented.clientAssertion !== undefined) {
    if (!client) throw new ClientAuthenticationError(presented.clientId, "unknown client", false);
    if (!keyClient) {
      throw new ClientAuthenticationError(
        presented.clientId,
        "the client is not registered for private_key_jwt",
        false,
      );
    }
    try {
      await verifyClientAssertion(server.clientAssertions, client, presented.clientAssertion);
    } catch (error) {
      if (!(error instanceof ClientAssertionError)) throw error;
      throw new ClientAuthenticationError(presented.clientId, error.message, false);
    }
  } else if (presented.clientSecret !== undefined) {
    // Always compare, even for an unknown client, so timing does not reveal which client ids exist.
    const matches = secretMatchesDigest(presented.clientSecret, client?.clientSecretDigest ?? null);
    if (!client || !matches || !isConfidential(client) || keyClient) {
      throw new ClientAuthenticationError(
        presented.clientId,
        client ? "wrong client secret" : "unknown client",
        viaHeader,
      );
    }
  } else if (!client) {
    throw new ClientAuthenticationError(presented.clientId, "unknown client", viaHeader);
  } else if (isConfidential(client)) {
    throw new ClientAuthenticationError(
      presented.clientId,
      keyClient ? "private_key_jwt client sent no assertion" : "confidential client sent no secret",
      viaHeader,
    );
  }

  if (client.disabledAt !== null) {
    throw new ClientAuthenticationError(presented.clientId, "client is disabled", viaHeader);
  }
  return { client, method: presented.method };
}

/**
 * Answered instead of invalid_client once failures from this address, or on this client id, pass
 * FAILED_CLIENT_AUTH_LIMIT. RFC 6749 §5.2 defines no code for throttling; `temporarily_unavailable`
 * is the registered one that says "try again later", and 429 with Retry-After (RFC 6585 §4) says
 * when. `invalid_client` would be wrong here: the MCP SDK reads it as "these credentials are dead"
 * and throws its registration away.
 */
export class ClientAuthenticationThrottledError extends OAuthError {
  constructor(retryAfter: number) {
    super("temporarily_unavailable", "too many failed client authentications; try again later", {
      status: 429,
      headers: { "Retry-After": String(retryAfter) },
    });
  }
}

/**
 * Identifies and authenticates the client (presentedCredentials, verifyCredentials) behind
 * FAILED_CLIENT_AUTH_LIMIT, recording failures in the audit log (the client itself only sees
 * invalid_client). Over the limit, one audit row per key and window says so, and the
 * attempts after it write nothing.
 */
export async function authenticateClientAudited(
  server: AuthServer,
  c: Context,
  parameters: Record<string, string>,
  endpoint: "token" | "revoke" | "introspect",
): Promise<AuthenticatedClient> {
  const ipAddress = server.clientAddress(c);
  const limit = server.failedClientAuthentication;
  const auditFailure = (entry: Omit<AuditEntry, "outcome" | "ipAddress">) =>
    audit(server.store, { ...entry, outcome: "failure", ipAddress }, server.clock());

  const throttled = async (
    refusal: Refusal,
    details: Record<string, unknown>,
    clientId?: string,
  ) => {
    if (refusal.first) {
      await auditFailure({
        event: "client.authentication_throttled",
        clientId,
        details: { endpoint, limitedBy: refusal.limitedBy, ...details },
      });
    }
    return new ClientAuthenticationThrottledError(refusal.retryAfter);
  };

  // The client row is read before the limit is checked, so a database round trip never sits between
  // the check and the count below.
  let presented: PresentedCredentials | OAuthError;
  try {
    presented = presentedCredentials({
      authorizationHeader: c.req.header("authorization"),
      parameters,
    });
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    presented = error;
  }
  const client =
    presented instanceof OAuthError
      ? undefined
      : await server.store.run((x) => findClient(x, presented.clientId));

  // RFC 6749 §10.10: over the address's limit the secret is not even compared.
  const refused = await limit.refuseAddress(ipAddress);
  if (refused) throw await throttled(refused, {});
  try {
    if (presented instanceof OAuthError) throw presented;
    return await verifyCredentials(server, presented, client);
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    if (!(error instanceof ClientAuthenticationError)) {
      // Malformed credentials (invalid_request) count against the address as well: the token
      // endpoint audits each as a rejected request, and a loop of them must not fill the log either.
      const over = await limit.recordFailure(undefined, ipAddress);
      if (over) throw await throttled(over, { reason: error.description });
      throw error;
    }
    const clientId = error.attemptedClientId?.slice(0, 200);
    const over = await limit.recordFailure(clientId, ipAddress);
    if (over) throw await throttled(over, { reason: error.reason }, clientId);
    await auditFailure({
      event: "client.authentication_failed",
      clientId,
      details: { endpoint, reason: error.reason },
    });
    throw error;
  }
}
