// The audit log: one row per security event, written in the same transaction as the change it records.
import type { AuthServerAuditEventType } from "@repo/contracts/audit";
import { currentRequestId } from "@repo/server-kit/request-context";
import { preparedPerHandle } from "@repo/server-kit/store";
import { and, desc, eq, gte, inArray, lt, max, or, type SQL, sql } from "drizzle-orm";
import type { AuthStore, Executor } from "../db/database";
import type { AuditOutcome, auditEvents } from "../db/schema.postgres";

/** The events this log records: @repo/contracts names them for the console too. */
export type AuditEventType = AuthServerAuditEventType;

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

// Prepared: every token issued writes one (see preparedPerHandle).
const insertAuditEvent = preparedPerHandle(buildInsertAuditEvent);

function buildInsertAuditEvent({ db, tables: { auditEvents } }: Executor) {
  return db
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
      requestId: sql.placeholder("requestId"),
    })
    .prepare("auth_insert_audit_event");
}

export async function recordAuditEvent(x: Executor, entry: AuditEntry, now: Date): Promise<void> {
  await insertAuditEvent(x).execute({
    occurredAt: now,
    event: entry.event,
    outcome: entry.outcome,
    clientId: entry.clientId ?? null,
    subject: entry.subject ?? null,
    actorUserId: entry.actorUserId ?? null,
    ipAddress: entry.ipAddress ?? null,
    details: entry.details ?? null,
    // The request the event happened in (its X-Request-Id), read from the request context so no
    // caller passes it; null for background work (pruning, start-up).
    requestId: currentRequestId() ?? null,
  });
}

export interface AuditQuery {
  event?: AuditEventType;
  clientId?: string;
  /** Keyset pagination: events with an id lower than this. */
  before?: number;
  limit?: number;
}

export function listAuditEvents(
  { db, tables: { auditEvents } }: Executor,
  query: AuditQuery = {},
): Promise<AuditEvent[]> {
  const conditions: SQL[] = [];
  if (query.event) conditions.push(eq(auditEvents.event, query.event));
  if (query.clientId) conditions.push(eq(auditEvents.clientId, query.clientId));
  if (query.before !== undefined) conditions.push(lt(auditEvents.id, query.before));
  return db
    .select()
    .from(auditEvents)
    .where(and(...conditions))
    .orderBy(desc(auditEvents.id))
    .limit(Math.min(query.limit ?? 100, 1000));
}

/** The admin console's filters over the log; pages are keyed by (occurredAt, id), newest first. */
export interface AuditLogQuery {
  /** Events about this user (`subject`) or done by them (`actorUserId`). */
  userId?: string | undefined;
  clientId?: string | undefined;
  event?: string | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
  /** Rows strictly after this position in the newest-first order. */
  after?: { occurredAt: Date; id: number } | undefined;
  limit: number;
}

export function queryAuditLog(
  { db, tables: { auditEvents } }: Executor,
  query: AuditLogQuery,
): Promise<AuditEvent[]> {
  const conditions: SQL[] = [];
  if (query.userId !== undefined) {
    const byUser = or(
      eq(auditEvents.subject, query.userId),
      eq(auditEvents.actorUserId, query.userId),
    );
    if (byUser) conditions.push(byUser);
  }
  if (query.clientId !== undefined) conditions.push(eq(auditEvents.clientId, query.clientId));
  if (query.event !== undefined) conditions.push(eq(auditEvents.event, query.event));
  if (query.since !== undefined) conditions.push(gte(auditEvents.occurredAt, query.since));
  if (query.until !== undefined) conditions.push(lt(auditEvents.occurredAt, query.until));
  if (query.after !== undefined) {
    const { occurredAt, id } = query.after;
    const older = or(
      lt(auditEvents.occurredAt, occurredAt),
      and(eq(auditEvents.occurredAt, occurredAt), lt(auditEvents.id, id)),
    );
    if (older) conditions.push(older);
  }
  return db
    .select()
    .from(auditEvents)
    .where(and(...conditions))
    .orderBy(desc(auditEvents.occurredAt), desc(auditEvents.id))
    .limit(query.limit);
}

/** When `/token` last issued each of these clients an access token (the admin console's "last used"). */
export async function lastTokenIssuedAt(
  { db, tables: { auditEvents } }: Executor,
  clientIds: readonly string[],
): Promise<Map<string, Date>> {
  if (clientIds.length === 0) return new Map();
  const rows = await db
    .select({
      clientId: auditEvents.clientId,
      // max() is typed by the column, but read as the driver's raw value unless mapped again.
      lastIssuedAt: max(auditEvents.occurredAt).mapWith(auditEvents.occurredAt),
    })
    .from(auditEvents)
    .where(
      and(eq(auditEvents.event, "token.issued"), inArray(auditEvents.clientId, [...clientIds])),
    )
    .groupBy(auditEvents.clientId);
  const result = new Map<string, Date>();
  for (const row of rows) {
    if (row.clientId !== null && row.lastIssuedAt !== null)
      result.set(row.clientId, row.lastIssuedAt);
  }
  return result;
}

/** Records an event that is not part of a larger change (a refusal, a sign-in): its own statement. */
export function audit(store: AuthStore, entry: AuditEntry, now: Date): Promise<void> {
  return store.run((x) => recordAuditEvent(x, entry, now));
}
