// GET /admin/audit: the tool-call log for the admin console (docs/internal-api.md "The MCP server's
// tool-call audit"). A token for this server (aud = MCP_RESOURCE) with admin:mcp:audit:read, a scope
// only the web app's own client can get, by client credentials; ordinary MCP tokens get 403.
import {
  auditCursor,
  auditPage,
  type McpAuditEvent,
  type McpAuditPage,
  TOOL_CALL_AUDIT_PATH,
  TOOL_CALL_AUDIT_SCOPE,
  TOOL_CALL_EVENT,
  ToolCallAuditQuery,
} from "@repo/contracts/audit";
import { requireBearer } from "@repo/tokens/hono";
import { Hono } from "hono";
import { protectedResourceMetadataUrl } from "../oauth/protected-resource-metadata";
import type { ResourceServer } from "../server-context";
import type { ToolCallRecord } from "../store/tool-calls";
import { queryToolCalls } from "../store/tool-calls";

export { TOOL_CALL_AUDIT_PATH as ADMIN_AUDIT_PATH, TOOL_CALL_AUDIT_SCOPE as ADMIN_AUDIT_SCOPE };

function rowView(row: ToolCallRecord): McpAuditEvent {
  return {
    source: "mcp-server",
    id: row.id,
    cursor: auditCursor(row),
    occurredAt: row.occurredAt.toISOString(),
    event: TOOL_CALL_EVENT,
    outcome: row.outcome,
    clientId: row.clientId,
    subject: row.subject,
    tool: row.tool,
    scopes: row.scopes,
    durationMs: row.durationMs,
    error: row.error,
  };
}

function badRequest(description: string) {
  return { error: "invalid_request", error_description: description.slice(0, 300) };
}

export function adminAuditRoute(server: ResourceServer): Hono {
  const { config, store, verifier } = server;
  const route = new Hono();
  route.use(
    requireBearer({
      issuer: config.issuer,
      audience: config.resource,
      jwks: verifier,
      resourceMetadataUrl: protectedResourceMetadataUrl(config.resource),
      requiredScopes: [TOOL_CALL_AUDIT_SCOPE],
      // The admin scope stays out of what a 401 tells an MCP client to ask for.
      challengeScopes: [],
    }),
  );
  route.get("/", async (c) => {
    const queries = c.req.queries();
    const single: Record<string, string> = {};
    for (const [name, values] of Object.entries(queries)) {
      if (values.length !== 1) return c.json(badRequest(`${name}: give it at most once`), 400);
      single[name] = values[0] as string;
    }
    const parsed = ToolCallAuditQuery.safeParse(single);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return c.json(
        badRequest(`${issue?.path.join(".") ?? "query"}: ${issue?.message ?? "invalid"}`),
        400,
      );
    }
    const query = parsed.data;
    // One row more than asked shows whether another page follows.
    const rows = await store.run((x) =>
      queryToolCalls(x, {
        subject: query.user,
        clientId: query.client,
        tool: query.tool,
        outcome: query.outcome,
        since: query.since,
        until: query.until,
        after: query.cursor,
        limit: query.limit + 1,
      }),
    );
    return c.json(auditPage(rows, query.limit, rowView) satisfies McpAuditPage, 200, {
      "Cache-Control": "no-store",
    });
  });
  return route;
}
