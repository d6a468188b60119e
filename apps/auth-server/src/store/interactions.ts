// Pending authorization requests (interactions) between /authorize and the person's decision.
import { and, eq, isNull } from "drizzle-orm";
import type { Executor } from "../db/database";
import type { interactions } from "../db/schema.postgres";

export type InteractionRecord = typeof interactions.$inferSelect;
export type NewInteractionRecord = typeof interactions.$inferInsert;

export async function insertInteraction(
  { db, tables }: Executor,
  interaction: NewInteractionRecord,
): Promise<void> {
  await db.insert(tables.interactions).values(interaction);
}

export async function findInteraction(
  { db, tables: { interactions } }: Executor,
  id: string,
): Promise<InteractionRecord | undefined> {
  const [interaction] = await db.select().from(interactions).where(eq(interactions.id, id));
  return interaction;
}

/**
 * Marks the interaction completed by this user. The `completed_at IS NULL` condition makes it a
 * compare-and-set: of two racing decisions (a double click, a replayed form, two replicas) exactly one
 * wins. One UPDATE … RETURNING: on PostgreSQL the second waits on the first's row lock and, once that
 * commits, finds the condition false.
 */
export async function completeInteraction(
  { db, tables: { interactions } }: Executor,
  id: string,
  userId: string,
  now: Date,
): Promise<boolean> {
  const completed = await db
    .update(interactions)
    .set({ completedAt: now, userId })
    .where(and(eq(interactions.id, id), isNull(interactions.completedAt)))
    .returning({ id: interactions.id });
  return completed.length === 1;
}

/**
 * Binds the interaction to the browser that first showed its consent page: set once, compare-and-set
 * on `browser_binding IS NULL` (one statement, as above), so of two browsers racing to open a leaked
 * link exactly one wins. False when it was already bound (to this browser or another: the caller
 * compares).
 */
export async function bindInteractionToBrowser(
  { db, tables: { interactions } }: Executor,
  id: string,
  bindingDigest: string,
): Promise<boolean> {
  const bound = await db
    .update(interactions)
    .set({ browserBinding: bindingDigest })
    .where(and(eq(interactions.id, id), isNull(interactions.browserBinding)))
    .returning({ id: interactions.id });
  return bound.length === 1;
}
