// OAuth 2.1 §4.3 / RFC 6749 §6: the refresh token grant. Every use rotates the token (OAuth 2.1 §4.3.1),
// and a rotated token coming back means two parties hold the chain, so the whole grant is revoked
// (RFC 9700 §4.14.2) — unless it is the same client retrying a refresh whose response it never got.
// Scope may narrow but never widen (RFC 6749 §6), and the token stays bound to its resource (RFC 8707).
import { isKnownScope, parseScopeParameter, satisfies } from "@repo/scopes";
import { z } from "zod";
import type { Executor } from "../../db/database";
import { OAuthError } from "../../http/oauth-error";
import { secretDigest } from "../../security/secrets";
import type { AuthServer } from "../../server-context";
import { recordAuditEvent } from "../../store/audit";
import { type ClientRecord, isConfidential } from "../../store/clients";
import {
  bindGrantToDpopKey,
  findGrant,
  findRefreshToken,
  type GrantRecord,
  lockGrant,
  markRefreshTokenRotated,
  type RefreshTokenRecord,
  recordRefreshTokenSuccessor,
  revokeGrant,
  touchGrant,
  withdrawUnusedRefreshToken,
} from "../../store/grants";
import { findUserById } from "../../store/users";
import { resolveResource } from "../resources";
import type { GrantInput, TokenResponse } from "./grant";
import { completeTokenResponse, refreshFamilyEndsAt, signUserAccessToken } from "./issue-for-grant";

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

/**
 * RFC 9449 §5: a public client's refresh tokens from a grant bound to a DPoP key are good only with
 * a proof of that key (a confidential client's are not bound: its authentication protects them).
 * The answer is invalid_grant, as for any refresh token that is not valid for the request.
 */
function dpopBindingRefusal(
  client: Pick<ClientRecord, "tokenEndpointAuthMethod">,
  grant: Pick<GrantRecord, "dpopJkt">,
  dpopJkt: string | undefined,
): OAuthError | undefined {
  if (isConfidential(client) || grant.dpopJkt === null || grant.dpopJkt === dpopJkt) {
    return undefined;
  }
  return invalidGrant(
    dpopJkt === undefined
      ? "the refresh token is bound to a DPoP key: send a DPoP proof of that key"
      : "the refresh token is bound to another DPoP key than this proof's",
  );
}

/**
 * What presenting this refresh token means:
 * - `rotate`: its first use; it is exchanged for a successor.
 * - `retry`: it was rotated less than REFRESH_REUSE_GRACE_SECONDS ago and its successor has never been
 *   used: the client lost the response (or two of its processes refreshed at once). A thief replaying
 *   a stolen token within those seconds gets the same answer, but the chain still has one live end:
 *   the successor handed out before is withdrawn, and whichever party uses a withdrawn or rotated
 *   token next revokes the family.
 * - `reuse`: anything else that was already used or withdrawn (RFC 9700 §4.14.2): the family ends.
 */
type Presentation =
  | { kind: "rotate" }
  | { kind: "retry"; unusedSuccessorDigest: string }
  | { kind: "reuse"; reason: string };

async function classifyPresentation(
  executor: Executor,
  server: AuthServer,
  token: RefreshTokenRecord,
  now: Date,
): Promise<Presentation> {
  if (token.revokedAt !== null) {
    return { kind: "reuse", reason: "a withdrawn refresh token was presented" };
  }
  if (token.rotatedAt === null) return { kind: "rotate" };
  // `now` was read when the request arrived, and a parallel request may have rotated the token after
  // that (it held the grant's lock first): such a request comes "before" the rotation, so its age is
  // taken as 0, never negative. With REFRESH_REUSE_GRACE_SECONDS=0 it is then a reuse, as every
  // second use must be.
  const sinceRotationMs = Math.max(0, now.getTime() - token.rotatedAt.getTime());
  if (sinceRotationMs >= server.config.refreshTokenReuseGraceSeconds * 1000) {
    return { kind: "reuse", reason: "a rotated refresh token was presented again" };
  }
  const successor =
    token.successorDigest === null
      ? undefined
      : await findRefreshToken(executor, token.successorDigest);
  if (!successor || successor.rotatedAt !== null || successor.revokedAt !== null) {
    return {
      kind: "reuse",
      reason: "a rotated refresh token was presented after its successor was used",
    };
  }
  return { kind: "retry", unusedSuccessorDigest: successor.tokenDigest };
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
  const { token, grant } = await server.store.run(async (x) => {
    const found = await findRefreshToken(x, tokenDigest);
    return { token: found, grant: found ? await findGrant(x, found.grantId) : undefined };
  });
  if (!token || !grant) throw invalidGrant();
  // RFC 6749 §6: the refresh token must have been issued to the authenticated client.
  if (grant.clientId !== client.clientId) throw invalidGrant();
  if (grant.revokedAt !== null) throw invalidGrant();
  // Before the token is classified, so a refusal here rotates nothing and revokes nothing, even for a
  // rotated token. That is safe: reuse detection ends a family because two parties may both be
  // able to use it, and a party without the key can use none of a bound family's tokens; revoking
  // on its attempt would instead let anyone who saw a bound token (in a log, a backup) sign the user
  // out. A party that has the key as well is judged by the reuse rules below like the client.
  const bindingRefusal = dpopBindingRefusal(client, grant, input.dpopJkt);
  if (bindingRefusal) throw bindingRefusal;
  // Decided again inside the transaction below; this early answer only spares a signature.
  // A reuse stays a reuse (what makes one never comes undone), so acting on it here is safe.
  const presentation = await server.store.run((x) => classifyPresentation(x, server, token, now));
  if (presentation.kind === "reuse") {
    await server.store.transaction((tx) =>
      revokeFamilyAfterReuse(tx, grant, presentation.reason, input.ipAddress, now),
    );
    throw invalidGrant();
  }
  if (token.expiresAt.getTime() <= now.getTime()) throw invalidGrant();
  if (refreshFamilyEndsAt(server, grant).getTime() <= now.getTime()) {
    throw invalidGrant("the refresh token has reached the end of its family's lifetime");
  }

  if (input.resources !== undefined && input.resources.length > 0) {
    const requested = resolveResource(server.resources, input.resources);
    if (requested.identifier !== grant.resource) {
      throw new OAuthError("invalid_target", "the refresh token was issued for another resource");
    }
  }
  const scopes = narrowedScopes(grant, request.data.scope);
  const user = await server.store.run((x) => findUserById(x, grant.userId));
  if (!user || user.disabledAt !== null) throw invalidGrant("the user is no longer active");

  const accessToken = await signUserAccessToken(
    server,
    { clientId: client.clientId, userId: user.id, resource: grant.resource, scopes },
    input.dpopJkt,
    now,
  );
  // Everything is decided again here, in one transaction: parallel refreshes with one token (or a
  // parallel reuse that revokes the grant) were free to change the rows while the token was signed.
  // The grant's row lock comes first (lockGrant): on PostgreSQL, refreshes of one chain on any
  // replica then run one after the other, each reading the chain as the previous one committed it,
  // so a second refresh with the same token sees it rotated and is judged by the retry rule exactly
  // as on SQLite; and a revocation of the grant either finds this access token or makes this
  // transaction find the grant revoked (see revokeGrant).
  const response = await server.store.transaction(async (tx) => {
    const current = await lockGrant(tx, grant.id);
    const presented = await findRefreshToken(tx, tokenDigest);
    if (!current || current.revokedAt !== null || !presented) return "invalid" as const;
    // A parallel refresh may have bound the grant since the check above.
    const refusal = dpopBindingRefusal(client, current, input.dpopJkt);
    if (refusal) return refusal;
    const decided = await classifyPresentation(tx, server, presented, now);
    // Under the grant's lock the compare-and-sets cannot fail after the reads above; they state the
    // invariant rather than trust the reads.
    const claimed =
      decided.kind === "rotate"
        ? await markRefreshTokenRotated(tx, tokenDigest, now)
        : decided.kind === "retry" &&
          (await withdrawUnusedRefreshToken(tx, decided.unusedSuccessorDigest, now));
    if (!claimed) {
      const reason =
        decided.kind === "reuse" ? decided.reason : "a parallel use of the refresh token";
      await revokeFamilyAfterReuse(tx, current, reason, input.ipAddress, now);
      return "invalid" as const;
    }
    await touchGrant(tx, grant.id, now);
    // RFC 9449 §5: a refresh token issued to a public client with a proof is bound to its key, so a
    // grant redeemed without DPoP is bound from its first refresh with a proof on.
    if (!isConfidential(client) && current.dpopJkt === null && input.dpopJkt !== undefined) {
      await bindGrantToDpopKey(tx, grant.id, input.dpopJkt);
    }
    await recordAuditEvent(
      tx,
      {
        event: decided.kind === "retry" ? "refresh_token.retried" : "refresh_token.rotated",
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
    const issued = await completeTokenResponse(tx, server, current, accessToken, true, now);
    if (issued.refreshTokenDigest !== undefined) {
      await recordRefreshTokenSuccessor(tx, tokenDigest, issued.refreshTokenDigest);
    }
    return issued.response;
  });
  if (response === "invalid") throw invalidGrant();
  if (response instanceof OAuthError) throw response;
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

/** RFC 9700 §4.14.2: the family ends, and every access token it issued is deny-listed with it. */
async function revokeFamilyAfterReuse(
  executor: Executor,
  grant: GrantRecord,
  reason: string,
  ipAddress: string | undefined,
  now: Date,
): Promise<void> {
  const revoked = await revokeGrant(executor, grant, "refresh token reused", now);
  await recordAuditEvent(
    executor,
    {
      event: "refresh_token.reused",
      outcome: "failure",
      clientId: grant.clientId,
      subject: grant.userId,
      ipAddress,
      details: { grantId: grant.id, grantRevoked: revoked, reason },
    },
    now,
  );
}
