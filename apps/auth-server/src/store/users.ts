// People who sign in to approve MCP clients (login and consent arrive with the authorization code flow).
import { and, count, eq, isNull, or, type SQL, sql } from "drizzle-orm";
import { type Executor, forUpdate } from "../db/database";
import type { users } from "../db/schema.postgres";

export type UserRecord = typeof users.$inferSelect;
export type NewUserRecord = typeof users.$inferInsert;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function findUserByEmail(
  { db, tables: { users } }: Executor,
  email: string,
): Promise<UserRecord | undefined> {
  const [user] = await db
    .select()
    .from(users)
    .where(eq(users.email, normalizeEmail(email)));
  return user;
}

/**
 * Inserts the user unless one with the email exists (ON CONFLICT DO NOTHING, one statement): undefined
 * when it did, so that of two creations at once (two replicas, two seeds) exactly one succeeds.
 */
export async function insertUserIfAbsent(
  { db, tables: { users } }: Executor,
  user: NewUserRecord,
): Promise<UserRecord | undefined> {
  const [inserted] = await db
    .insert(users)
    .values({ ...user, email: normalizeEmail(user.email) })
    .onConflictDoNothing()
    .returning();
  return inserted;
}

export async function findUserById(
  { db, tables: { users } }: Executor,
  id: string,
): Promise<UserRecord | undefined> {
  const [user] = await db.select().from(users).where(eq(users.id, id));
  return user;
}

/** In a search, `%`, `_` and the backslash match themselves, not any characters. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

export async function listUsers(
  { db, tables: { users } }: Executor,
  query: { search?: string | undefined; limit: number; offset: number },
): Promise<{ items: UserRecord[]; total: number }> {
  let where: SQL | undefined;
  if (query.search !== undefined && query.search !== "") {
    // Both sides lowercased: SQLite's LIKE ignores ASCII case and PostgreSQL's does not.
    const pattern = likePattern(query.search.toLowerCase());
    where = or(
      sql`${users.email} like ${pattern} escape '\\'`,
      sql`lower(${users.displayName}) like ${pattern} escape '\\'`,
    );
  }
  const items = await db
    .select()
    .from(users)
    .where(where)
    .orderBy(users.email)
    .limit(query.limit)
    .offset(query.offset);
  const [counted] = await db.select({ total: count() }).from(users).where(where);
  return { items, total: counted?.total ?? 0 };
}

export async function updateUser(
  { db, tables: { users } }: Executor,
  id: string,
  change: Partial<Pick<UserRecord, "disabledAt" | "passwordHash" | "isAdmin">>,
): Promise<UserRecord | undefined> {
  const [user] = await db.update(users).set(change).where(eq(users.id, id)).returning();
  return user;
}

/**
 * Administrators who can still sign in: the console refuses to leave none. Call inside the
 * transaction of the change: the rows are locked (forUpdate), so two administrators disabling or
 * demoting each other at once, on two replicas, run one after the other and the second sees one left.
 */
export async function countEnabledAdmins(x: Executor): Promise<number> {
  const { users } = x.tables;
  const admins = await forUpdate(
    x,
    x.db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.isAdmin, true), isNull(users.disabledAt))),
  );
  return admins.length;
}

/**
 * Ends every web session of the person: each carries the epoch it was signed in at, and the internal
 * API refuses any but the current one. Raised in SQL, so two concurrent raises both count.
 */
export async function raiseSessionEpoch(
  { db, tables: { users } }: Executor,
  id: string,
): Promise<UserRecord | undefined> {
  const [user] = await db
    .update(users)
    .set({ sessionEpoch: sql`${users.sessionEpoch} + 1` })
    .where(eq(users.id, id))
    .returning();
  return user;
}
