// OAuth 2.1 §4.1.3 / RFC 6749 §4.1.3: exchanging an authorization code, with RFC 7636 §4.6 PKCE
// verification and RFC 8707 resource binding. A code is single-use; a second use is treated as theft
// and revokes everything the first use issued (OAuth 2.1 §4.1.3, RFC 9700 §4.5).
import { z } from "zod";
import { OAuthError } from "../../http/oauth-error";
import { secretDigest } from "../../security/secrets";
import type { AuthServer } from "../../server-context";
import { recordAuditEvent } from "../../store/audit";
import {
  type AuthorizationCodeRecord,
  findAuthorizationCode,
  insertGrant,
  lockGrant,
  markCodeRedeemed,
  revokeGrant,
} from "../../store/grants";
import { findUserById } from "../../store/users";
import { isCodeVerifier, verifyCodeVerifier } from "../pkce";
import { resolveResource } from "../resources";
import type { GrantInput, TokenResponse } from "./grant";
import { completeTokenResponse, signUserAccessToken } from "./issue-for-grant";

export const AuthorizationCodeTokenRequest = z.object({
  grant_type: z.literal("authorization_code"),
  code: z.string({ error: "code is required" }).max(200, "code is not valid"),
  code_verifier: z
    .string({ error: "code_verifier is required (PKCE)" })
    .refine(
      isCodeVerifier,
      "code_verifier must be 43 to 128 unreserved characters (RFC 7636 §4.1)",
    ),
  redirect_uri: z.string().max(2000).optional(),
});

/** Every failure to redeem says the same: the code is not valid for this request (RFC 6749 §5.2). */
function invalidGrant(description = "the authorization code is invalid, expired or already used") {
  return new OAuthError("invalid_grant", description);
}

export async function authorizationCodeGrant(
  server: AuthServer,
  input: GrantInput,
): Promise<TokenResponse> {
  const request = AuthorizationCodeTokenRequest.safeParse(input.parameters);
  if (!request.success) {
    throw new OAuthError("invalid_request", request.error.issues[0]?.message ?? "invalid request");
  }
  const { client } = input.authenticated;
  const now = server.clock();
  const codeDigest = secretDigest(request.data.code);
  const code = await server.store.run((x) => findAuthorizationCode(x, codeDigest));
  if (!code) throw invalidGrant();
  if (code.clientId !== client.clientId) {
    // RFC 6749 §4.1.3: the code must have been issued to the authenticated client.
    throw invalidGrant("the authorization code was issued to another client");
  }
  if (code.redeemedAt !== null) {
    await revokeAfterReplay(server, code, input.ipAddress, now);
    throw invalidGrant();
  }
  if (code.expiresAt.getTime() <= now.getTime()) throw invalidGrant();
  // RFC 9449 §10: a code bound at /authorize goes only to the holder of that key. A refusal leaves the
  // code unused, so a thief's attempt does not spend the client's code.
  if (code.dpopJkt !== null && input.dpopJkt !== code.dpopJkt) {
    throw invalidGrant(
      input.dpopJkt === undefined
        ? "the authorization code is bound to a DPoP key (dpop_jkt): send a DPoP proof signed with it"
        : "the DPoP proof is not signed with the key the authorization code is bound to (dpop_jkt)",
    );
  }
  if (!verifyCodeVerifier(request.data.code_verifier, code.codeChallenge)) {
    throw invalidGrant("code_verifier does not match the code_challenge (PKCE)");
  }
  // RFC 6749 §4.1.3: required, and identical, when the authorization request included it.
  if (
    request.data.redirect_uri === undefined
      ? code.redirectUriSent
      : request.data.redirect_uri !== code.redirectUri
  ) {
    throw invalidGrant("redirect_uri must be the authorization request's, sent again unchanged");
  }
  if (input.resources !== undefined && input.resources.length > 0) {
    // RFC 8707 §2.2: the token request may repeat the resource, never swap it for another.
    const requested = resolveResource(server.resources, input.resources);
    if (requested.identifier !== code.resource) {
      throw new OAuthError(
        "invalid_target",
        "resource differs from the one the code was issued for",
      );
    }
  }
  const user = await server.store.run((x) => findUserById(x, code.userId));
  if (!user || user.disabledAt !== null) throw invalidGrant("the user is no longer active");

  const accessToken = await signUserAccessToken(
    server,
    { clientId: client.clientId, userId: user.id, resource: code.resource, scopes: code.scopes },
    input.dpopJkt,
    now,
  );
  const response = await server.store.transaction(async (tx) => {
    // Compare-and-set (markCodeRedeemed): of parallel redemptions, on any replica, exactly one gets
    // past this line; the others wait for its commit and find the code redeemed. The grant, its first
    // tokens and the audit row commit with the redemption or not at all.
    if (!(await markCodeRedeemed(tx, codeDigest, now))) return undefined;
    await insertGrant(tx, {
      id: code.grantId,
      clientId: client.clientId,
      userId: user.id,
      resource: code.resource,
      scopes: code.scopes,
      createdAt: now,
      lastUsedAt: now,
      // RFC 9449 §5: a public client's refresh tokens of this grant then need a proof of this key.
      dpopJkt: input.dpopJkt ?? null,
    });
    await recordAuditEvent(
      tx,
      {
        event: "token.issued",
        outcome: "success",
        clientId: client.clientId,
        subject: user.id,
        ipAddress: input.ipAddress,
        details: {
          grantType: "authorization_code",
          grantId: code.grantId,
          jti: accessToken.jti,
          audience: code.resource,
          scope: accessToken.scope,
        },
      },
      now,
    );
    const issued = await completeTokenResponse(
      tx,
      server,
      { id: code.grantId, createdAt: now },
      accessToken,
      client.grantTypes.includes("refresh_token"),
      now,
    );
    return issued.response;
  });
  if (!response) {
    await revokeAfterReplay(server, code, input.ipAddress, now);
    throw invalidGrant();
  }
  return response;
}

/**
 * The code was redeemed before: the first redemption committed its grant with the redemption (see
 * above), so the grant is there to revoke, whichever replica redeemed it.
 */
async function revokeAfterReplay(
  server: AuthServer,
  code: AuthorizationCodeRecord,
  ipAddress: string | undefined,
  now: Date,
): Promise<void> {
  await server.store.transaction(async (tx) => {
    const grant = await lockGrant(tx, code.grantId);
    const revoked = grant
      ? await revokeGrant(tx, grant, "authorization code replayed", now)
      : false;
    await recordAuditEvent(
      tx,
      {
        event: "code.replayed",
        outcome: "failure",
        clientId: code.clientId,
        subject: code.userId,
        ipAddress,
        details: { grantId: code.grantId, grantRevoked: revoked },
      },
      now,
    );
  });
}
