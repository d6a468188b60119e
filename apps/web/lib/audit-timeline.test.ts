import { describe, expect, it } from "vitest";
import {
  END,
  mergeTimeline,
  parseUtcDateTime,
  sourcesFor,
  type TimelineRow,
} from "./audit-timeline";

const row = (source: TimelineRow["source"], minute: number): TimelineRow => ({
  source,
  cursor: `${source}-${minute}`,
  occurredAt: new Date(Date.UTC(2026, 10, 26, 10, minute)).toISOString(),
});
const start = { "auth-server": undefined, "mcp-server": undefined };

describe("the merged audit timeline", () => {
  it("interleaves both logs newest first and continues each from its last shown row", () => {
    const merged = mergeTimeline(
      {
        "auth-server": {
          items: [row("auth-server", 50), row("auth-server", 30), row("auth-server", 10)],
          nextCursor: "auth-server-10",
        },
        "mcp-server": {
          items: [row("mcp-server", 40), row("mcp-server", 20), row("mcp-server", 5)],
          nextCursor: null,
        },
      },
      start,
      4,
    );
    expect(merged.rows.map((shown) => shown.cursor)).toEqual([
      "auth-server-50",
      "mcp-server-40",
      "auth-server-30",
      "mcp-server-20",
    ]);
    // The rows fetched but not shown (auth 10, mcp 5) come on the next page, not lost.
    expect(merged.next).toEqual({ "auth-server": "auth-server-30", "mcp-server": "mcp-server-20" });
  });

  it("keeps a source's position when none of its rows made the page", () => {
    const merged = mergeTimeline(
      {
        "auth-server": {
          items: [row("auth-server", 50), row("auth-server", 49)],
          nextCursor: "auth-server-49",
        },
        "mcp-server": { items: [row("mcp-server", 1)], nextCursor: null },
      },
      { "auth-server": undefined, "mcp-server": "mcp-server-2" },
      2,
    );
    expect(merged.next).toEqual({ "auth-server": "auth-server-49", "mcp-server": "mcp-server-2" });
  });

  it("ends a source once all its rows were shown, and the timeline once both have ended", () => {
    const merged = mergeTimeline(
      {
        "auth-server": { items: [row("auth-server", 3)], nextCursor: null },
        "mcp-server": { items: [row("mcp-server", 2)], nextCursor: null },
      },
      start,
      10,
    );
    expect(merged.rows).toHaveLength(2);
    expect(merged.next).toBeUndefined();
  });

  it("treats a source the filters leave out as ended", () => {
    const merged = mergeTimeline(
      { "auth-server": { items: [row("auth-server", 3), row("auth-server", 2)], nextCursor: "c" } },
      start,
      2,
    );
    expect(merged.next).toEqual({ "auth-server": "auth-server-2", "mcp-server": END });
  });

  it("shows an empty timeline when both logs are empty", () => {
    const merged = mergeTimeline(
      {
        "auth-server": { items: [], nextCursor: null },
        "mcp-server": { items: [], nextCursor: null },
      },
      start,
      10,
    );
    expect(merged).toEqual({ rows: [], next: undefined });
  });
});

describe("which logs a filtered timeline reads", () => {
  it("reads both without filters", () => {
    expect(sourcesFor({})).toEqual(["auth-server", "mcp-server"]);
  });

  it("reads only the MCP server for tool calls and only the auth-server for its events", () => {
    expect(sourcesFor({ event: "tool.call" })).toEqual(["mcp-server"]);
    expect(sourcesFor({ tool: "whoami" })).toEqual(["mcp-server"]);
    expect(sourcesFor({ event: "token.issued" })).toEqual(["auth-server"]);
    expect(sourcesFor({ source: "auth-server" })).toEqual(["auth-server"]);
  });

  it("reads nothing when the filters contradict each other", () => {
    expect(sourcesFor({ event: "token.issued", tool: "whoami" })).toEqual([]);
    expect(sourcesFor({ source: "auth-server", tool: "whoami" })).toEqual([]);
  });
});

describe("times typed into the filter", () => {
  it("reads a datetime-local value as UTC", () => {
    expect(parseUtcDateTime("2026-11-26T10:40")).toBe("2026-11-26T10:40:00.000Z");
    expect(parseUtcDateTime("2026-11-26T10:40:30")).toBe("2026-11-26T10:40:30.000Z");
  });

  it("ignores anything else", () => {
    for (const value of [
      undefined,
      "",
      "yesterday",
      "2026-11-26",
      "2026-13-45T99:99",
      "2026-11-26T10:40Z",
    ]) {
      expect(parseUtcDateTime(value)).toBeUndefined();
    }
  });
});
