// Remembered consent: the scopes a person allowed a client at a resource.
import { and, eq } from "drizzle-orm";
import type { Executor } from "../db/database";
import { consents } from "../db/schema";

export type ConsentRecord = typeof consents.$inferSelect;

export function findConsent(
  executor: Executor,
  key: { userId: string; clientId: string; resource: string },
): ConsentRecord | undefined {
  return executor
    .select()
    .from(consents)
    .where(
      and(
        eq(consents.userId, key.userId),
        eq(consents.clientId, key.clientId),
        eq(consents.resource, key.resource),
      ),
    )
    .get();
}

/** Records consent to `scopes`, adding to what was allowed before (a step-up widens the consent). */
export function grantConsent(
  executor: Executor,
  consent: { userId: string; clientId: string; resource: string; scopes: readonly string[] },
  now: Date,
): ConsentRecord {
  const existing = findConsent(executor, consent);
  const scopes = [...new Set([...(existing?.scopes ?? []), ...consent.scopes])].sort();
  return executor
    .insert(consents)
    .values({ ...consent, scopes, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: [consents.userId, consents.clientId, consents.resource],
      set: { scopes, updatedAt: now },
    })
    .returning()
    .get();
}
