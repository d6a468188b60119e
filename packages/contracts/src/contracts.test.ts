// The contract's own facts: its scopes are the catalogue's, its cursors round-trip, its lists are sets.
import { findScopeDefinition } from "@repo/scopes";
import { describe, expect, it } from "vitest";
import {
  AUDIT_EVENT_TYPES,
  AuthServerAuditQuery,
  auditCursor,
  auditPage,
  TOOL_CALL_AUDIT_SCOPE,
  ToolCallAuditQuery,
} from "./audit";
import { INTERNAL_ROUTE_SCOPES } from "./internal-api";

describe("the internal API's route scopes", () => {
  it.each(INTERNAL_ROUTE_SCOPES)("$prefix needs $scope, an internal-API scope", ({ scope }) => {
    expect(findScopeDefinition(scope)?.audience).toBe("internal");
  });

  it("gives every prefix one scope", () => {
    const prefixes = INTERNAL_ROUTE_SCOPES.map(({ prefix }) => prefix);
    expect(new Set(prefixes).size).toBe(prefixes.length);
  });

  it("keeps the tool-call audit scope on the MCP server's admin audience", () => {
    expect(findScopeDefinition(TOOL_CALL_AUDIT_SCOPE)?.audience).toBe("mcp-admin");
  });
});

describe("an audit page", () => {
  const rows = [3, 2, 1].map((id) => ({ occurredAt: new Date(id * 1000), id }));

  it("shows `limit` rows and points after the last one when the extra row says more follow", () => {
    const page = auditPage(rows, 2, (row) => row.id);
    expect(page).toEqual({
      items: [3, 2],
      nextCursor: auditCursor({ occurredAt: new Date(2000), id: 2 }),
    });
  });

  it("has no next cursor on the last page, or on an empty one", () => {
    expect(auditPage(rows, 3, (row) => row.id)).toEqual({ items: [3, 2, 1], nextCursor: null });
    expect(auditPage([], 3, (row) => row)).toEqual({ items: [], nextCursor: null });
  });
});

describe("the audit query", () => {
  it("reads back the cursor a row was given", () => {
    const row = { occurredAt: new Date("2026-01-02T03:04:05.678Z"), id: 42 };
    for (const Query of [AuthServerAuditQuery, ToolCallAuditQuery]) {
      expect(Query.parse({ cursor: auditCursor(row) }).cursor).toEqual(row);
    }
  });

  it.each(["1.2.3", "-1.2", "1e3.2", "9999999999999999.1"])(
    "refuses %s as a cursor (nothing but digits reaches the SQL)",
    (cursor) => {
      expect(AuthServerAuditQuery.safeParse({ cursor }).success).toBe(false);
      expect(ToolCallAuditQuery.safeParse({ cursor }).success).toBe(false);
    },
  );

  it("pages 50 rows unless asked, and never more than 200", () => {
    expect(AuthServerAuditQuery.parse({}).limit).toBe(50);
    expect(ToolCallAuditQuery.safeParse({ limit: "201" }).success).toBe(false);
  });

  it("names each event type once", () => {
    expect(new Set(AUDIT_EVENT_TYPES).size).toBe(AUDIT_EVENT_TYPES.length);
  });
});
