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
