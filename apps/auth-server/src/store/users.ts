// People who sign in to approve MCP clients (login and consent arrive with the authorization code flow).
import { eq } from "drizzle-orm";
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
