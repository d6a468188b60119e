// Ending what a person gave an app: the grants (refresh-token families, with their access tokens
// deny-listed) and, where asked, the remembered consents. Shared by connected apps and the admin API.
import type { Executor } from "../db/database";
import { recordAuditEvent } from "../store/audit";
import { type ConsentFilter, deleteConsents } from "../store/consents";
import { type GrantFilter, revokeLiveGrants } from "../store/grants";

export interface RevocationOutcome {
  revokedGrants: number;
  removedConsents: number;
}

/** Call inside the transaction of the change it belongs to; writes one audit row per grant and consent. */
export async function revokeAccess(
  tx: Executor,
  filter: GrantFilter,
  options: { reason: string; actorUserId: string; removeConsents: boolean; now: Date },
): Promise<RevocationOutcome> {
  const { reason, actorUserId, now } = options;
  const revoked = await revokeLiveGrants(tx, filter, reason, now);
  for (const grant of revoked) {
    await recordAuditEvent(
      tx,
      {
        event: "grant.revoked",
        outcome: "success",
        clientId: grant.clientId,
        subject: grant.userId,
        actorUserId,
        details: { grantId: grant.id, reason },
      },
      now,
    );
  }
  const removedConsents = options.removeConsents ? await forgetConsents(tx, filter, options) : 0;
  return { revokedGrants: revoked.length, removedConsents };
}

/**
 * Forgets remembered consents, so the next request shows the consent screen again; one audit row
 * each. Call inside the transaction of the change it belongs to.
 */
export async function forgetConsents(
  tx: Executor,
  filter: ConsentFilter,
  options: { reason: string; actorUserId: string; now: Date },
): Promise<number> {
  const { reason, actorUserId, now } = options;
  const removed = await deleteConsents(tx, filter);
  for (const consent of removed) {
    await recordAuditEvent(
      tx,
      {
        event: "consent.revoked",
        outcome: "success",
        clientId: consent.clientId,
        subject: consent.userId,
        actorUserId,
        details: { resource: consent.resource, scope: consent.scopes.join(" "), reason },
      },
      now,
    );
  }
  return removed.length;
}
