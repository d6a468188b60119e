import { describe, expect, it } from "vitest";
import { formatAge, formatTimestamp } from "./display";

const now = new Date("2026-11-26T12:00:00.000Z");

describe("times in the console", () => {
  it("writes timestamps in UTC to the minute", () => {
    expect(formatTimestamp("2026-11-26T10:40:59.999Z")).toBe("2026-11-26 10:40 UTC");
    expect(formatTimestamp("2026-11-26T11:40:00+01:00")).toBe("2026-11-26 10:40 UTC");
  });

  it("writes a dash for a missing or unreadable time", () => {
    expect(formatTimestamp(null)).toBe("—");
    expect(formatTimestamp("yesterday")).toBe("—");
  });

  it("writes ages in the largest whole unit", () => {
    expect(formatAge("2026-11-26T11:59:30.000Z", now)).toBe("just now");
    expect(formatAge("2026-11-26T11:59:00.000Z", now)).toBe("1 minute ago");
    expect(formatAge("2026-11-26T09:00:00.000Z", now)).toBe("3 hours ago");
    expect(formatAge("2026-11-24T12:00:00.000Z", now)).toBe("2 days ago");
    expect(formatAge("2025-11-26T12:00:00.000Z", now)).toBe("1 year ago");
  });

  it("says never for no time, and just now for a time ahead of the clock", () => {
    expect(formatAge(null, now)).toBe("never");
    expect(formatAge("2026-11-26T12:05:00.000Z", now)).toBe("just now");
  });
});
