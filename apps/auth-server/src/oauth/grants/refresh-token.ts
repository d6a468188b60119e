// OAuth 2.1 §4.3 / RFC 6749 §6: the refresh token grant. Every use rotates the token (OAuth 2.1 §4.3.1);
// a rotated token coming back means two parties hold the chain, so the whole grant is revoked.
// Scope may narrow but never widen (RFC 6749 §6), and the token stays bound to its resource (RFC 8707).
import { isKnownScope, parseScopeParameter, satisfies } from "@repo/scopes";
import { z } from "zod";
import { OAuthError } from "../../http/oauth-error";
import { secretDigest } from "../../security/secrets";
import type { AuthServer } from "../../server-context";
import { recordAuditEvent } from "../../store/audit";
import {
  findGrant,
  findRefreshToken,
  type GrantRecord,
  markRefreshTokenRotated,
  revokeGrant,
  touchGrant,
} from "../../store/grants";
import { findUserById } from "../../store/users";
import { resolveResource } from "../resources";
import type { GrantInput, TokenResponse } from "./grant";
import { completeTokenResponse, signUserAccessToken } from "./issue-for-grant";

export const RefreshTokenRequest = z.object({
  grant_type: z.literal("refresh_token"),
  refresh_token: z
    .string({ error: "refresh_token is required" })
    .max(200, "refresh_token is not valid"),
  scope: z.string().max(2000, "scope is too long").optional(),
});

function invalidGrant(description = "the refresh token is invalid, expired or revoked") {
  return new OAuthError("invalid_grant", description);
}

export async function refreshTokenGrant(
  server: AuthServer,
  input: GrantInput,
): Promise<TokenResponse> {
  const request = RefreshTokenRequest.safeParse(input.parameters);
  if (!request.success) {
    throw new OAuthError("invalid_request", request.error.issues[0]?.message ?? "invalid request");
  }
  const { client } = input.authenticated;
  if (!client.grantTypes.includes("refresh_token")) {
    throw new OAuthError("unauthorized_client", "this client is not registered for refresh tokens");
  }
  const now = server.clock();
  const tokenDigest = secretDigest(request.data.refresh_token);
  const token = findRefreshToken(server.db, tokenDigest);
  const grant = token ? findGrant(server.db, token.grantId) : undefined;
  if (!token || !grant) throw invalidGrant();
  // RFC 6749 §6: the refresh token must have been issued to the authenticated client.
  if (grant.clientId !== client.clientId) throw invalidGrant();
  if (grant.revokedAt !== null) throw invalidGrant();
  if (token.rotatedAt !== null) {
    revokeAfterReuse(server, grant, input.ipAddress, now);
    throw invalidGrant();
  }
  if (token.expiresAt.getTime() <= now.getTime()) throw invalidGrant();

  if (input.resources !== undefined && input.resources.length > 0) {
    const requested = resolveResource(server.resources, input.resources);
    if (requested.identifier !== grant.resource) {
      throw new OAuthError("invalid_target", "the refresh token was issued for another resource");
    }
  }
  const scopes = narrowedScopes(grant, request.data.scope);
  const user = findUserById(server.db, grant.userId);
  if (!user || user.disabledAt !== null) throw invalidGrant("the user is no longer active");

  const accessToken = await signUserAccessToken(
    server,
    { clientId: client.clientId, userId: user.id, resource: grant.resource, scopes },
    now,
  );
  const response = server.db.transaction((tx) => {
    // Compare-and-set, so two parallel refreshes with one token cannot both succeed; and the grant
    // must still be live inside the transaction (a parallel reuse may have just revoked it).
    const current = findGrant(tx, grant.id);
    if (!current || current.revokedAt !== null) return "revoked" as const;
    if (!markRefreshTokenRotated(tx, tokenDigest, now)) return "reused" as const;
    touchGrant(tx, grant.id, now);
    recordAuditEvent(
      tx,
      {
        event: "refresh_token.rotated",
        outcome: "success",
        clientId: client.clientId,
        subject: user.id,
        ipAddress: input.ipAddress,
        details: {
          grantId: grant.id,
          jti: accessToken.jti,
          audience: grant.resource,
          scope: accessToken.scope,
        },
      },
      now,
    );
    return completeTokenResponse(tx, server, grant.id, accessToken, true, now);
  });
  if (response === "revoked") throw invalidGrant();
  if (response === "reused") {
    revokeAfterReuse(server, grant, input.ipAddress, now);
    throw invalidGrant();
  }
  return response;
}

/** RFC 6749 §6: a requested scope must lie within what the person granted; none means all of it. */
function narrowedScopes(grant: GrantRecord, scopeParameter: string | undefined): string[] {
  if (scopeParameter === undefined) return grant.scopes;
  const parsed = parseScopeParameter(scopeParameter);
  if (!parsed.ok) throw new OAuthError("invalid_scope", parsed.error);
  const beyond = parsed.scopes.filter(
    (scope) => !isKnownScope(scope) || !satisfies(grant.scopes, scope),
  );
  if (beyond.length > 0) {
    throw new OAuthError(
      "invalid_scope",
      `scope exceeds what was granted: ${beyond.join(" ").slice(0, 200)}`,
    );
  }
  return parsed.scopes;
}

function revokeAfterReuse(
  server: AuthServer,
  grant: GrantRecord,
  ipAddress: string | undefined,
  now: Date,
): void {
  server.db.transaction((tx) => {
    const revoked = revokeGrant(tx, grant, "refresh token reused", now);
    recordAuditEvent(
      tx,
      {
        event: "refresh_token.reused",
        outcome: "failure",
        clientId: grant.clientId,
        subject: grant.userId,
        ipAddress,
        details: { grantId: grant.id, grantRevoked: revoked },
      },
      now,
    );
  });
}
