// Per-person limits (watchlist size, scheduled jobs) are a count and then an insert, and hold only if
// no other writer for the same person runs in between.
import { sql } from "drizzle-orm";
import type { Executor } from "../db/database";

/**
 * Serialises, until the surrounding transaction ends, every transaction that takes the same lock.
 *
 * On PostgreSQL two replicas' transactions run side by side, and under READ COMMITTED each counts the
 * rows committed before it started: both could see 49 of 50 and both insert. A transaction-scoped
 * advisory lock keyed by the person makes the second wait until the first commits, then count again;
 * it locks one person, not the table, and is released by COMMIT or ROLLBACK, so it cannot leak.
 * On SQLite there is nothing to do: the store's transactions begin IMMEDIATE, which already takes the
 * file's one write lock, across processes too.
 */
export async function lockSubject(
  { db, dialect }: Executor,
  purpose: "watchlist" | "automation-jobs",
  subject: string,
): Promise<void> {
  if (dialect !== "postgres") return;
  // hashtextextended gives the 64-bit key pg_advisory_xact_lock takes; a collision between two
  // people only makes one wait for the other, never breaks a limit.
  await db.execute(
    sql`select pg_advisory_xact_lock(hashtextextended(${`mcp-server:${purpose}:${subject}`}, 0))`,
  );
}
