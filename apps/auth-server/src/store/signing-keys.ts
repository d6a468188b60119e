// Signing keys: public JWK in clear, private JWK encrypted, and the dates the rotation policy needs.
import { desc, eq, isNull, sql } from "drizzle-orm";
import type { Executor } from "../db/database";
import type { signingKeys } from "../db/schema.postgres";

export type SigningKeyRecord = typeof signingKeys.$inferSelect;
export type NewSigningKeyRecord = typeof signingKeys.$inferInsert;

export function listSigningKeys({
  db,
  tables: { signingKeys },
}: Executor): Promise<SigningKeyRecord[]> {
  return db.select().from(signingKeys).orderBy(desc(signingKeys.createdAt), desc(signingKeys.kid));
}

export async function insertSigningKey(
  { db, tables }: Executor,
  key: NewSigningKeyRecord,
): Promise<void> {
  await db.insert(tables.signingKeys).values(key);
}

/**
 * Retires every key still signing, so that exactly one (the next inserted) is active. Call inside the
 * transaction that inserts the next key, after lockSigningKeys: under READ COMMITTED this UPDATE sees
 * only keys committed before it started, so two rotations at once must not overlap.
 */
export async function retireActiveSigningKeys(
  { db, tables: { signingKeys } }: Executor,
  now: Date,
): Promise<string[]> {
  const retired = await db
    .update(signingKeys)
    .set({ retiredAt: now })
    .where(isNull(signingKeys.retiredAt))
    .returning({ kid: signingKeys.kid });
  return retired.map((row) => row.kid);
}

export async function findSigningKey(
  { db, tables: { signingKeys } }: Executor,
  kid: string,
): Promise<SigningKeyRecord | undefined> {
  const [key] = await db.select().from(signingKeys).where(eq(signingKeys.kid, kid));
  return key;
}

/**
 * Serialises changes to the key set until the transaction ends. On PostgreSQL a transaction-scoped
 * advisory lock: a rotation on another replica waits here, and its retirement then sees (and retires)
 * the key this one inserted. On SQLite the store transaction already holds the one write lock.
 */
export async function lockSigningKeys({ db, dialect }: Executor): Promise<void> {
  if (dialect !== "postgres") return;
  await db.execute(sql`select pg_advisory_xact_lock(hashtext('auth-server:signing-keys'))`);
}
