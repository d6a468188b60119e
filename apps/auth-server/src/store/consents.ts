// Remembered consent: the scopes a person allowed a client at a resource.
import { and, count, desc, eq, type SQL } from "drizzle-orm";
import { type Executor, forUpdate } from "../db/database";
import type { consents } from "../db/schema.postgres";

export type ConsentRecord = typeof consents.$inferSelect;

type ConsentKey = { userId: string; clientId: string; resource: string };

function consentKeyIs(x: Executor, key: ConsentKey): SQL | undefined {
  const { consents } = x.tables;
  return and(
    eq(consents.userId, key.userId),
    eq(consents.clientId, key.clientId),
    eq(consents.resource, key.resource),
  );
}

export async function findConsent(
  x: Executor,
  key: ConsentKey,
): Promise<ConsentRecord | undefined> {
  const [consent] = await x.db.select().from(x.tables.consents).where(consentKeyIs(x, key));
  return consent;
}

/**
 * Records consent to `scopes`, adding to what was allowed before (a step-up widens the consent). Call
 * inside a transaction. The row is created empty if missing and then locked (forUpdate), so two
 * decisions for one person, client and resource at once (two tabs, two replicas) merge their scopes
 * one after the other instead of the later one overwriting the earlier one's.
 */
export async function grantConsent(
  x: Executor,
  consent: ConsentKey & { scopes: readonly string[] },
  now: Date,
): Promise<ConsentRecord> {
  const { db, tables } = x;
  const key = { userId: consent.userId, clientId: consent.clientId, resource: consent.resource };
  await db
    .insert(tables.consents)
    .values({ ...key, scopes: [], createdAt: now, updatedAt: now })
    .onConflictDoNothing();
  const [existing] = await forUpdate(
    x,
    db.select().from(tables.consents).where(consentKeyIs(x, key)),
  );
  const scopes = [...new Set([...(existing?.scopes ?? []), ...consent.scopes])].sort();
  const [updated] = await db
    .update(tables.consents)
    .set({ scopes, updatedAt: now })
    .where(consentKeyIs(x, key))
    .returning();
  if (!updated) throw new Error("the consent row disappeared inside its transaction");
  return updated;
}

export interface ConsentFilter {
  userId?: string | undefined;
  clientId?: string | undefined;
}

function consentFilterConditions(x: Executor, filter: ConsentFilter): SQL[] {
  const { consents } = x.tables;
  const conditions: SQL[] = [];
  if (filter.userId !== undefined) conditions.push(eq(consents.userId, filter.userId));
  if (filter.clientId !== undefined) conditions.push(eq(consents.clientId, filter.clientId));
  return conditions;
}

export function findConsents(x: Executor, filter: ConsentFilter): Promise<ConsentRecord[]> {
  return x.db
    .select()
    .from(x.tables.consents)
    .where(and(...consentFilterConditions(x, filter)));
}

/** Forgets the consents matching the filter, so the next request shows the consent screen again. */
export function deleteConsents(x: Executor, filter: ConsentFilter): Promise<ConsentRecord[]> {
  return x.db
    .delete(x.tables.consents)
    .where(and(...consentFilterConditions(x, filter)))
    .returning();
}

export interface ConsentListing extends ConsentRecord {
  userEmail: string;
  clientName: string | null;
  registrationType: string;
}

export async function listConsents(
  x: Executor,
  query: ConsentFilter & { limit: number; offset: number },
): Promise<{ items: ConsentListing[]; total: number }> {
  const { db, tables } = x;
  const { consents, users, clients } = tables;
  const where = and(...consentFilterConditions(x, query));
  const rows = await db
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
    .offset(query.offset);
  const [counted] = await db.select({ total: count() }).from(consents).where(where);
  return {
    items: rows.map((row) => ({
      ...row.consent,
      userEmail: row.userEmail,
      clientName: row.clientName,
      registrationType: row.registrationType,
    })),
    total: counted?.total ?? 0,
  };
}
