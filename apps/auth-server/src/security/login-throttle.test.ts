import { describe, expect, it } from "vitest";
import { LoginThrottle } from "./login-throttle";

const NOW = new Date("2026-11-26T12:00:00Z");
const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

describe("LoginThrottle", () => {
  it("refuses an email after its limit of attempts inside the window, and forgets them after it", () => {
    const throttle = new LoginThrottle({ perEmail: 3, perAddress: 100, windowSeconds: 60 });
    for (let i = 0; i < 3; i++) {
      expect(throttle.retryAfterSeconds("a@example.com", undefined, later(i))).toBe(0);
      throttle.recordAttempt("a@example.com", undefined, later(i));
    }
    expect(throttle.retryAfterSeconds("a@example.com", undefined, later(3))).toBe(57);
    expect(throttle.retryAfterSeconds("a@example.com", undefined, later(61))).toBe(0);
  });

  it("takes back a successful attempt, so signing in never counts against the address", () => {
    const throttle = new LoginThrottle({ perEmail: 3, perAddress: 2, windowSeconds: 60 });
    for (let i = 0; i < 10; i++) {
      expect(throttle.retryAfterSeconds("a@example.com", "192.0.2.1", NOW)).toBe(0);
      throttle.recordAttempt("a@example.com", "192.0.2.1", NOW);
      throttle.recordSuccess("a@example.com", "192.0.2.1");
    }
  });

  it("keeps a live counter when a flood of other emails fills it up (eviction of the victim's count)", () => {
    const throttle = new LoginThrottle({
      perEmail: 2,
      perAddress: 1000,
      windowSeconds: 60,
      maxKeys: 10,
    });
    throttle.recordAttempt("victim@example.com", undefined, NOW);
    throttle.recordAttempt("victim@example.com", undefined, NOW);
    // Stale counters from long ago make room; the victim's live one is not the first to go.
    for (let i = 0; i < 8; i++)
      throttle.recordAttempt(`old${i}@example.com`, undefined, later(-120));
    for (let i = 0; i < 5; i++) throttle.recordAttempt(`new${i}@example.com`, undefined, NOW);
    expect(throttle.retryAfterSeconds("victim@example.com", undefined, NOW)).toBeGreaterThan(0);
  });
});
