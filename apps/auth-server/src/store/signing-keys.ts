// Signing keys: public JWK in clear, private JWK encrypted, and the dates the rotation policy needs.
import { desc, eq, isNull } from "drizzle-orm";
import type { Executor } from "../db/database";
import { signingKeys } from "../db/schema";

export type SigningKeyRecord = typeof signingKeys.$inferSelect;
export type NewSigningKeyRecord = typeof signingKeys.$inferInsert;

export function listSigningKeys(executor: Executor): SigningKeyRecord[] {
  return executor.select().from(signingKeys).orderBy(desc(signingKeys.createdAt)).all();
}

export function insertSigningKey(executor: Executor, key: NewSigningKeyRecord): void {
  executor.insert(signingKeys).values(key).run();
}

/** Retires every key still signing, so that exactly one (the next inserted) is active. */
export function retireActiveSigningKeys(executor: Executor, now: Date): string[] {
  return executor
    .update(signingKeys)
    .set({ retiredAt: now })
    .where(isNull(signingKeys.retiredAt))
    .returning({ kid: signingKeys.kid })
    .all()
    .map((row) => row.kid);
}

export function findSigningKey(executor: Executor, kid: string): SigningKeyRecord | undefined {
  return executor.select().from(signingKeys).where(eq(signingKeys.kid, kid)).get();
}
