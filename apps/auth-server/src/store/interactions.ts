// Pending authorization requests (interactions) between /authorize and the person's decision.
import { and, eq, isNull } from "drizzle-orm";
import type { Executor } from "../db/database";
import { interactions } from "../db/schema";

export type InteractionRecord = typeof interactions.$inferSelect;
export type NewInteractionRecord = typeof interactions.$inferInsert;

export function insertInteraction(executor: Executor, interaction: NewInteractionRecord): void {
  executor.insert(interactions).values(interaction).run();
}

export function findInteraction(executor: Executor, id: string): InteractionRecord | undefined {
  return executor.select().from(interactions).where(eq(interactions.id, id)).get();
}

/**
 * Marks the interaction completed by this user. The `completed_at IS NULL` condition makes it a
 * compare-and-set: of two racing decisions (a double click, a replayed form) exactly one wins.
 */
export function completeInteraction(
  executor: Executor,
  id: string,
  userId: string,
  now: Date,
): boolean {
  return (
    executor
      .update(interactions)
      .set({ completedAt: now, userId })
      .where(and(eq(interactions.id, id), isNull(interactions.completedAt)))
      .run().changes === 1
  );
}

/**
 * Binds the interaction to the browser that first showed its consent page: set once, compare-and-set
 * on `browser_binding IS NULL`, so of two browsers racing to open a leaked link exactly one wins.
 * False when it was already bound (to this browser or another: the caller compares).
 */
export function bindInteractionToBrowser(
  executor: Executor,
  id: string,
  bindingDigest: string,
): boolean {
  return (
    executor
      .update(interactions)
      .set({ browserBinding: bindingDigest })
      .where(and(eq(interactions.id, id), isNull(interactions.browserBinding)))
      .run().changes === 1
  );
}
