// /internal/admin/audit (scope admin:audit:read): the auth-server's audit log, newest first, filtered
// and paged by cursor (docs/internal-api.md "Audit log").
import {
  type AuthAuditEvent,
  type AuthAuditPage,
  AuthServerAuditQuery,
  auditCursor,
  auditPage,
} from "@repo/contracts/audit";
import { Hono } from "hono";
import type { AuthServer } from "../../server-context";
import { type AuditEvent, queryAuditLog } from "../../store/audit";
import type { ActingUserVariables } from "../acting-user";
import { parseQuery } from "../internal-error";

function eventView(event: AuditEvent): AuthAuditEvent {
  return {
    source: "auth-server",
    id: event.id,
    cursor: auditCursor(event),
    occurredAt: event.occurredAt.toISOString(),
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
    const query = parseQuery(c, AuthServerAuditQuery);
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
    c.header("Cache-Control", "no-store");
    return c.json(auditPage(rows, query.limit, eventView) satisfies AuthAuditPage);
  });

  return routes;
}
