// People who sign in to approve MCP clients (login and consent arrive with the authorization code flow).
import { and, count, eq, isNull, or, type SQL, sql } from "drizzle-orm";
import type { Executor } from "../db/database";
import { users } from "../db/schema";

export type UserRecord = typeof users.$inferSelect;
export type NewUserRecord = typeof users.$inferInsert;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function findUserByEmail(executor: Executor, email: string): UserRecord | undefined {
  return executor
    .select()
    .from(users)
    .where(eq(users.email, normalizeEmail(email)))
    .get();
}

export function insertUser(executor: Executor, user: NewUserRecord): UserRecord {
  return executor
    .insert(users)
    .values({ ...user, email: normalizeEmail(user.email) })
    .returning()
    .get();
}

export function findUserById(executor: Executor, id: string): UserRecord | undefined {
  return executor.select().from(users).where(eq(users.id, id)).get();
}

/** In a search, `%`, `_` and the backslash match themselves, not any characters. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

export function listUsers(
  executor: Executor,
  query: { search?: string | undefined; limit: number; offset: number },
): { items: UserRecord[]; total: number } {
  let where: SQL | undefined;
  if (query.search !== undefined && query.search !== "") {
    const pattern = likePattern(query.search.toLowerCase());
    where = or(
      sql`${users.email} like ${pattern} escape '\\'`,
      sql`lower(${users.displayName}) like ${pattern} escape '\\'`,
    );
  }
  const items = executor
    .select()
    .from(users)
    .where(where)
    .orderBy(users.email)
    .limit(query.limit)
    .offset(query.offset)
    .all();
  const total = executor.select({ total: count() }).from(users).where(where).get()?.total ?? 0;
  return { items, total };
}

export function updateUser(
  executor: Executor,
  id: string,
  change: Partial<Pick<UserRecord, "disabledAt" | "passwordHash" | "isAdmin">>,
): UserRecord | undefined {
  return executor.update(users).set(change).where(eq(users.id, id)).returning().get();
}

/** Administrators who can still sign in: the console refuses to leave none. */
export function countEnabledAdmins(executor: Executor): number {
  return (
    executor
      .select({ total: count() })
      .from(users)
      .where(and(eq(users.isAdmin, true), isNull(users.disabledAt)))
      .get()?.total ?? 0
  );
}

/**
 * Ends every web session of the person: each carries the epoch it was signed in at, and the internal
 * API refuses any but the current one. Raised in SQL, so two concurrent raises both count.
 */
export function raiseSessionEpoch(executor: Executor, id: string): UserRecord | undefined {
  return executor
    .update(users)
    .set({ sessionEpoch: sql`${users.sessionEpoch} + 1` })
    .where(eq(users.id, id))
    .returning()
    .get();
}
