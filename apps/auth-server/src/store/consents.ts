// Remembered consent: the scopes a person allowed a client at a resource.
import { and, count, desc, eq, type SQL } from "drizzle-orm";
import type { Executor } from "../db/database";
import { clients, consents, users } from "../db/schema";

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

export interface ConsentFilter {
  userId?: string | undefined;
  clientId?: string | undefined;
}

function consentFilterConditions(filter: ConsentFilter): SQL[] {
  const conditions: SQL[] = [];
  if (filter.userId !== undefined) conditions.push(eq(consents.userId, filter.userId));
  if (filter.clientId !== undefined) conditions.push(eq(consents.clientId, filter.clientId));
  return conditions;
}

export function findConsents(executor: Executor, filter: ConsentFilter): ConsentRecord[] {
  return executor
    .select()
    .from(consents)
    .where(and(...consentFilterConditions(filter)))
    .all();
}

/** Forgets the consents matching the filter, so the next request shows the consent screen again. */
export function deleteConsents(executor: Executor, filter: ConsentFilter): ConsentRecord[] {
  return executor
    .delete(consents)
    .where(and(...consentFilterConditions(filter)))
    .returning()
    .all();
}

export interface ConsentListing extends ConsentRecord {
  userEmail: string;
  clientName: string | null;
  registrationType: string;
}

export function listConsents(
  executor: Executor,
  query: ConsentFilter & { limit: number; offset: number },
): { items: ConsentListing[]; total: number } {
  const where = and(...consentFilterConditions(query));
  const rows = executor
    .select({
      consent: consents,
      userEmail: users.email,
      clientName: clients.clientName,
      registrationType: clients.registrationType,
    })
    .from(consents)
    .innerJoin(users, eq(users.id, consents.userId))
    .innerJoin(clients, eq(clients.clientId, consents.clientId))
    .where(where)
    .orderBy(desc(consents.updatedAt), consents.userId, consents.clientId)
    .limit(query.limit)
    .offset(query.offset)
    .all();
  const total = executor.select({ total: count() }).from(consents).where(where).get()?.total ?? 0;
  return {
    items: rows.map((row) => ({
      ...row.consent,
      userEmail: row.userEmail,
      clientName: row.clientName,
      registrationType: row.registrationType,
    })),
    total,
  };
}
