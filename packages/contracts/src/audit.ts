// Both servers' audit logs as the admin console reads them (docs/internal-api.md "Audit log" and "The
// MCP server's tool-call audit"): the event types, the query each server accepts, and one row of each.
import { z } from "zod";

/** Every event the auth-server records (docs/internal-api.md "Audit log"). */
export const AUTH_SERVER_AUDIT_EVENTS = [
  "user.login",
  "user.login_failed",
  "user.created",
  "user.disabled",
  "user.enabled",
  "user.password_reset",
  "user.admin_granted",
  "user.admin_revoked",
  "user.signed_out_everywhere",
  "user.session_refused",
  "user.seeded",
  "client.registered",
  "client.registration_rejected",
  "client.authentication_failed",
  "client.authentication_throttled",
  "client.created",
  "client.secret_rotated",
  "client.disabled",
  "client.enabled",
  "client.deleted",
  "client.seeded",
  "client.secret_changed",
  "client.keys_changed",
  "authorization.requested",
  "authorization.rejected",
  "consent.granted",
  "consent.denied",
  "consent.revoked",
  "consent.refused",
  "code.issued",
  "code.replayed",
  "token.issued",
  "token.request_rejected",
  "token.revoked",
  "token.revocation_refused",
  "token.introspection_refused",
  "refresh_token.rotated",
  "refresh_token.reused",
  "refresh_token.retried",
  "grant.revoked",
  "signing_key.created",
  "signing_key.retired",
  "admin.refused",
  "maintenance.pruned",
] as const;
export type AuthServerAuditEventType = (typeof AUTH_SERVER_AUDIT_EVENTS)[number];

/** The MCP server's one event: a tool call, allowed or not. */
export const TOOL_CALL_EVENT = "tool.call";

/** Every event type of both logs, as the console's filter offers them. */
export const AUDIT_EVENT_TYPES = [...AUTH_SERVER_AUDIT_EVENTS, TOOL_CALL_EVENT] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

export const AUTH_SERVER_AUDIT_OUTCOMES = ["success", "failure"] as const;
export const TOOL_CALL_OUTCOMES = ["success", "denied", "error"] as const;
export type ToolCallOutcome = (typeof TOOL_CALL_OUTCOMES)[number];

/** The MCP server's tool-call audit: a path on the MCP server, behind a scope only the web app's client gets. */
export const TOOL_CALL_AUDIT_PATH = "/admin/audit";
export const TOOL_CALL_AUDIT_SCOPE = "admin:mcp:audit:read";

/** A row's position in the newest-first order: "<occurredAt ms>.<id>". Opaque to callers. */
export function auditCursor(row: { occurredAt: Date; id: number }): string {
  return `${row.occurredAt.getTime()}.${row.id}`;
}

/**
 * One page of a log read with one row more than it shows (`limit + 1`): the extra row only says that
 * another page follows, and the cursor points after the last row shown.
 */
export function auditPage<Row extends { occurredAt: Date; id: number }, Item>(
  rows: readonly Row[],
  limit: number,
  view: (row: Row) => Item,
): { items: Item[]; nextCursor: string | null } {
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  return {
    items: shown.map(view),
    nextCursor: rows.length > limit && last ? auditCursor(last) : null,
  };
}

const AuditCursor = z
  .string()
  .regex(/^\d{1,15}\.\d{1,15}$/, "not a cursor from this API")
  .transform((value) => {
    const [occurredAt, id] = value.split(".").map(Number) as [number, number];
    return { occurredAt: new Date(occurredAt), id };
  });

const QueryTime = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

/** What both logs filter and page by. */
const AuditQueryFields = {
  client: z.string().min(1).max(2048).optional(),
  since: QueryTime.optional(),
  until: QueryTime.optional(),
  cursor: AuditCursor.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
};

/** GET /internal/admin/audit: `user` is a user id, `event` one event type. */
export const AuthServerAuditQuery = z.object({
  user: z.string().min(1).max(100).optional(),
  event: z.string().min(1).max(100).optional(),
  ...AuditQueryFields,
});

/** GET /admin/audit on the MCP server: `user` is a token's `sub`, `tool` one tool's name. */
export const ToolCallAuditQuery = z.object({
  user: z.string().min(1).max(500).optional(),
  tool: z.string().min(1).max(500).optional(),
  outcome: z.enum(TOOL_CALL_OUTCOMES).optional(),
  ...AuditQueryFields,
});

/** What both logs record of an event; each adds its own fields. */
const AuditEventFields = {
  id: z.number().int(),
  cursor: z.string(),
  occurredAt: z.string(),
  clientId: z.string().nullable(),
  subject: z.string().nullable(),
};

export const AuthAuditEvent = z.object({
  source: z.literal("auth-server"),
  ...AuditEventFields,
  // Plain text, not the list above: rows written by an earlier version must still show.
  event: z.string(),
  outcome: z.enum(AUTH_SERVER_AUDIT_OUTCOMES),
  actorUserId: z.string().nullable(),
  ipAddress: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});
export type AuthAuditEvent = z.infer<typeof AuthAuditEvent>;

export const McpAuditEvent = z.object({
  source: z.literal("mcp-server"),
  ...AuditEventFields,
  event: z.literal(TOOL_CALL_EVENT),
  outcome: z.enum(TOOL_CALL_OUTCOMES),
  tool: z.string(),
  scopes: z.string().nullable(),
  durationMs: z.number(),
  error: z.string().nullable(),
});
export type McpAuditEvent = z.infer<typeof McpAuditEvent>;

export type AuditEvent = AuthAuditEvent | McpAuditEvent;

function auditPageOf<Event extends z.ZodType>(event: Event) {
  return z.object({ items: z.array(event), nextCursor: z.string().nullable() });
}

export interface AuditPage<Event> {
  items: Event[];
  nextCursor: string | null;
}

export const AuthAuditPage = auditPageOf(AuthAuditEvent);
export type AuthAuditPage = z.infer<typeof AuthAuditPage>;

export const McpAuditPage = auditPageOf(McpAuditEvent);
export type McpAuditPage = z.infer<typeof McpAuditPage>;
