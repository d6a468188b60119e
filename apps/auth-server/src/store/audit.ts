// The audit log: one row per security event, written in the same transaction as the change it records.
import { preparedPerExecutor } from "@repo/server-kit/sqlite";
import { and, desc, eq, lt, type SQL, sql } from "drizzle-orm";
import type { Executor } from "../db/database";
import { type AuditOutcome, auditEvents } from "../db/schema";

export type AuditEventType =
  | "client.registered"
  | "client.registration_rejected"
  | "client.authentication_failed"
  | "client.seeded"
  | "client.secret_changed"
  | "user.seeded"
  | "token.issued"
  | "token.request_rejected"
  | "token.revoked"
  | "token.revocation_refused"
  | "signing_key.created"
  | "signing_key.retired"
  | "authorization.requested"
  | "authorization.rejected"
  | "user.login"
  | "user.login_failed"
  | "consent.granted"
  | "consent.denied"
  | "code.issued"
  | "code.replayed"
  | "refresh_token.rotated"
  | "refresh_token.reused"
  | "grant.revoked";

export interface AuditEntry {
  event: AuditEventType;
  outcome: AuditOutcome;
  clientId?: string | null;
  subject?: string | null;
  actorUserId?: string | null;
  ipAddress?: string | null;
  details?: Record<string, unknown>;
}

export type AuditEvent = typeof auditEvents.$inferSelect;

const insertAuditEvent = preparedPerExecutor((executor: Executor) =>
  executor
    .insert(auditEvents)
    .values({
      occurredAt: sql.placeholder("occurredAt"),
      event: sql.placeholder("event"),
      outcome: sql.placeholder("outcome"),
      clientId: sql.placeholder("clientId"),
      subject: sql.placeholder("subject"),
      actorUserId: sql.placeholder("actorUserId"),
      ipAddress: sql.placeholder("ipAddress"),
      details: sql.placeholder("details"),
    })
    .prepare(),
);

export function recordAuditEvent(executor: Executor, entry: AuditEntry, now: Date): void {
  insertAuditEvent(executor).run({
    occurredAt: now,
    event: entry.event,
    outcome: entry.outcome,
    clientId: entry.clientId ?? null,
    subject: entry.subject ?? null,
    actorUserId: entry.actorUserId ?? null,
    ipAddress: entry.ipAddress ?? null,
    details: entry.details ?? null,
  });
}

export interface AuditQuery {
  event?: AuditEventType;
  clientId?: string;
  /** Keyset pagination: events with an id lower than this. */
  before?: number;
  limit?: number;
}

export function listAuditEvents(executor: Executor, query: AuditQuery = {}): AuditEvent[] {
  const conditions: SQL[] = [];
  if (query.event) conditions.push(eq(auditEvents.event, query.event));
  if (query.clientId) conditions.push(eq(auditEvents.clientId, query.clientId));
  if (query.before !== undefined) conditions.push(lt(auditEvents.id, query.before));
  return executor
    .select()
    .from(auditEvents)
    .where(and(...conditions))
    .orderBy(desc(auditEvents.id))
    .limit(Math.min(query.limit ?? 100, 1000))
    .all();
}
