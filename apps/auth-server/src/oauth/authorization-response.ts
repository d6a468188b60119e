// The authorization response (RFC 6749 §4.1.2, §4.1.2.1; OAuth 2.1 §4.1.2) with the issuer
// identification of RFC 9207: a person's consent decision on a pending authorization request becomes
// the redirect back to the client, with a code or with access_denied. The internal API's consent route
// calls it once it has checked who decides and from which browser.
import { randomUUID } from "node:crypto";
import type { ConsentDecision } from "@repo/contracts/internal-api";
import type { Executor } from "../db/database";
import { randomSecret, secretDigest } from "../security/secrets";
import { recordAuditEvent } from "../store/audit";
import { grantConsent } from "../store/consents";
import { insertAuthorizationCode } from "../store/grants";
import type { InteractionRecord } from "../store/interactions";

/** RFC 6749 §4.1.2 recommends at most ten minutes; a person's app redeems a code within seconds. */
export const AUTHORIZATION_CODE_LIFETIME_SECONDS = 60;

/**
 * Builds an authorization response URI (RFC 6749 §4.1.2 / §4.1.2.1). The redirect URI keeps its own
 * query; `state` is echoed unchanged and `iss` names this server (RFC 9207 §2) so that a client
 * talking to several servers can tell which one answered (mix-up attacks).
 */
export function authorizationResponseUri(
  redirectUri: string,
  issuer: string,
  parameters: Record<string, string | null | undefined>,
): string {
  const uri = new URL(redirectUri);
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== undefined && value !== null) uri.searchParams.set(name, value);
  }
  uri.searchParams.set("iss", issuer);
  return uri.toString();
}

export interface AuthorizationDecision {
  /** The pending request, already marked answered by the caller in the same transaction. */
  interaction: InteractionRecord;
  userId: string;
  decision: ConsentDecision;
  issuer: string;
  now: Date;
}

/**
 * Records the decision and returns where the browser goes next. On allow: the consent is remembered
 * and a one-time code is issued, bound to the client, redirect URI, resource, scopes and PKCE challenge
 * of the request (redeemed by grants/authorization-code.ts); only its digest is stored. On deny:
 * `error=access_denied` (§4.1.2.1). Runs inside the caller's transaction, so the answer, the consent
 * and the code commit together or not at all.
 */
export async function authorizationResponse(
  tx: Executor,
  { interaction, userId, decision, issuer, now }: AuthorizationDecision,
): Promise<string> {
  let code: string | undefined;
  if (decision === "allow") {
    await grantConsent(
      tx,
      {
        userId,
        clientId: interaction.clientId,
        resource: interaction.resource,
        scopes: interaction.scopes,
      },
      now,
    );
    code = randomSecret();
    await insertAuthorizationCode(tx, {
      codeDigest: secretDigest(code),
      grantId: randomUUID(),
      clientId: interaction.clientId,
      userId,
      redirectUri: interaction.redirectUri,
      redirectUriSent: interaction.redirectUriSent,
      resource: interaction.resource,
      scopes: interaction.scopes,
      codeChallenge: interaction.codeChallenge,
      dpopJkt: interaction.dpopJkt,
      createdAt: now,
      expiresAt: new Date(now.getTime() + AUTHORIZATION_CODE_LIFETIME_SECONDS * 1000),
    });
  }
  await recordAuditEvent(
    tx,
    {
      event: code === undefined ? "consent.denied" : "consent.granted",
      outcome: "success",
      clientId: interaction.clientId,
      subject: userId,
      details: { scope: interaction.scopes.join(" "), resource: interaction.resource },
    },
    now,
  );
  return authorizationResponseUri(
    interaction.redirectUri,
    issuer,
    code === undefined
      ? {
          error: "access_denied",
          error_description: "the user denied the request",
          state: interaction.state,
        }
      : { code, state: interaction.state },
  );
}
