import { afterAll, describe, expect, it } from "vitest";
import { openLimitStores } from "../http/limit-stores";
import { LoginThrottle } from "./login-throttle";

// In memory: REDIS_URL unset. The Redis store is exercised in test/limits-redis.test.ts.
const stores = await openLimitStores({});
afterAll(() => stores.close());

describe("LoginThrottle", () => {
  it("refuses an email after its limit of attempts inside the window, and forgets them after it", async () => {
    // A one-second window, waited out for real: the windows are the store's own clock.
    const throttle = new LoginThrottle({ perEmail: 3, perAddress: 100, windowSeconds: 1 }, stores);
    for (let i = 0; i < 3; i++) expect(await throttle.attempt("a@example.com", undefined)).toBe(0);
    expect(await throttle.attempt("a@example.com", undefined)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await throttle.attempt("a@example.com", undefined)).toBe(0);
  });

  it("says how long the wait is: until the window that began at the first attempt ends", async () => {
    const throttle = new LoginThrottle(
      { perEmail: 2, perAddress: 100, windowSeconds: 900 },
      stores,
    );
    expect(await throttle.attempt("wait@example.com", undefined)).toBe(0);
    expect(await throttle.attempt("wait@example.com", undefined)).toBe(0);
    const wait = await throttle.attempt("wait@example.com", undefined);
    expect(wait).toBeGreaterThanOrEqual(899);
    expect(wait).toBeLessThanOrEqual(900);
  });

  it("takes back a successful attempt, so signing in never counts against the address", async () => {
    const throttle = new LoginThrottle({ perEmail: 3, perAddress: 2, windowSeconds: 60 }, stores);
    for (let i = 0; i < 10; i++) {
      expect(await throttle.attempt("b@example.com", "192.0.2.1")).toBe(0);
      await throttle.succeeded("b@example.com", "192.0.2.1");
    }
  });

  it("does not count refused attempts against the address (retrying a throttled email)", async () => {
    const throttle = new LoginThrottle({ perEmail: 1, perAddress: 3, windowSeconds: 60 }, stores);
    expect(await throttle.attempt("c@example.com", "192.0.2.2")).toBe(0);
    for (let i = 0; i < 10; i++) {
      expect(await throttle.attempt("c@example.com", "192.0.2.2")).toBeGreaterThan(0);
    }
    expect(await throttle.attempt("d@example.com", "192.0.2.2")).toBe(0);
    expect(await throttle.attempt("e@example.com", "192.0.2.2")).toBe(0);
    expect(await throttle.attempt("f@example.com", "192.0.2.2")).toBeGreaterThan(0);
  });

  it("counts addresses rotated within one IPv6 /64 as one (address rotation)", async () => {
    const throttle = new LoginThrottle({ perEmail: 100, perAddress: 2, windowSeconds: 60 }, stores);
    expect(await throttle.attempt("g1@example.com", "2001:db8:5:6::1")).toBe(0);
    expect(await throttle.attempt("g2@example.com", "2001:db8:5:6::2")).toBe(0);
    expect(await throttle.attempt("g3@example.com", "2001:db8:5:6:ffff::3")).toBeGreaterThan(0);
  });

  it("keeps a live counter however many other emails fail (eviction of the victim's count)", async () => {
    const throttle = new LoginThrottle({ perEmail: 2, perAddress: 1e6, windowSeconds: 60 }, stores);
    await throttle.attempt("victim@example.com", undefined);
    await throttle.attempt("victim@example.com", undefined);
    for (let i = 0; i < 5_000; i++) await throttle.attempt(`flood${i}@example.com`, undefined);
    expect(await throttle.attempt("victim@example.com", undefined)).toBeGreaterThan(0);
  });
});
