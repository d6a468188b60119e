// /internal/admin/audit (scope admin:audit:read): the auth-server's audit log, newest first, filtered
// and paged by cursor (docs/internal-api.md "Audit log").
import { Hono } from "hono";
import { z } from "zod";
import type { AuthServer } from "../../server-context";
import { type AuditEvent, queryAuditLog } from "../../store/audit";
import type { ActingUserVariables } from "../acting-user";
import { parseQuery } from "../internal-error";
import { isoTime } from "../pagination";

/** A row's position in the newest-first order: "<occurredAt ms>.<id>". Opaque to callers. */
const Cursor = z
  .string()
  .regex(/^\d{1,15}\.\d{1,15}$/, "not a cursor from this API")
  .transform((value) => {
    const [occurredAt, id] = value.split(".").map(Number) as [number, number];
    return { occurredAt: new Date(occurredAt), id };
  });

const Time = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

export const AuditLogQuery = z.object({
  user: z.string().min(1).max(100).optional(),
  client: z.string().min(1).max(2048).optional(),
  event: z.string().min(1).max(100).optional(),
  since: Time.optional(),
  until: Time.optional(),
  cursor: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

function cursorOf(event: AuditEvent): string {
  return `${event.occurredAt.getTime()}.${event.id}`;
}

function eventView(event: AuditEvent) {
  return {
    source: "auth-server" as const,
    id: event.id,
    cursor: cursorOf(event),
    occurredAt: isoTime(event.occurredAt),
    event: event.event,
    outcome: event.outcome,
    clientId: event.clientId,
    subject: event.subject,
    actorUserId: event.actorUserId,
    ipAddress: event.ipAddress,
    details: event.details,
  };
}

export function adminAuditRoutes(server: AuthServer): Hono<{ Variables: ActingUserVariables }> {
  const routes = new Hono<{ Variables: ActingUserVariables }>();

  routes.get("/", async (c) => {
    const query = parseQuery(c, AuditLogQuery);
    // One row more than asked shows whether another page follows.
    const rows = await server.store.run((x) =>
      queryAuditLog(x, {
        userId: query.user,
        clientId: query.client,
        event: query.event,
        since: query.since,
        until: query.until,
        after: query.cursor,
        limit: query.limit + 1,
      }),
    );
    const shown = rows.slice(0, query.limit);
    const last = shown.at(-1);
    c.header("Cache-Control", "no-store");
    return c.json({
      items: shown.map(eventView),
      nextCursor: rows.length > query.limit && last ? cursorOf(last) : null,
    });
  });

  return routes;
}
