// POST /internal/login: one answer for every wrong credential, and throttling of password guessing.
import { describe, expect, it } from "vitest";
import { DEMO_USER, internalApi, internalApiToken } from "./support/authorization";
import { json, useTestAuthServer } from "./support/test-server";

const server = useTestAuthServer();

describe("internal login", () => {
  it("returns the user for the right password, whatever the email's letter case", async () => {
    const response = await internalApi(server, "/login", {
      body: { email: "Demo@Example.com", password: DEMO_USER.password },
    });
    expect(response.status).toBe(200);
    expect((await json(response)).user).toMatchObject({
      email: "demo@example.com",
      name: "Demo Admin",
      isAdmin: true,
    });
  });

  it("answers an unknown email exactly as a wrong password (account enumeration)", async () => {
    const wrongPassword = await internalApi(server, "/login", {
      body: { email: "analyst@example.com", password: "not-the-password" },
    });
    const unknownEmail = await internalApi(server, "/login", {
      body: { email: "nobody@example.com", password: "not-the-password" },
    });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(await json(wrongPassword)).toEqual(await json(unknownEmail));
  });

  it("throttles an email after five failures (password guessing)", async () => {
    const attempt = (password: string) =>
      internalApi(server, "/login", {
        body: { email: "guess-target@example.com", password, clientAddress: "198.51.100.7" },
      });
    for (let i = 0; i < 5; i++) expect((await attempt(`guess-${i}`)).status).toBe(401);
    const throttled = await attempt("guess-5");
    expect(throttled.status).toBe(429);
    expect((await json(throttled)).error).toBe("too_many_attempts");
    // The window began at the first failure, moments ago: most of its 15 minutes are left. (That it
    // ends is the throttle's own test, with a short window.)
    expect(Number(throttled.headers.get("retry-after"))).toBeGreaterThan(880);
    expect(Number(throttled.headers.get("retry-after"))).toBeLessThanOrEqual(900);
  });

  it("counts parallel guesses before checking them (burst past the limit)", async () => {
    const attempt = (password: string) =>
      internalApi(server, "/login", {
        body: { email: "burst-target@example.com", password, clientAddress: "198.51.100.99" },
      });
    const statuses = (
      await Promise.all(Array.from({ length: 12 }, (_, i) => attempt(`burst-${i}`)))
    ).map((response) => response.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(7);
  });

  // 21 memory-hard password checks in a row: seconds of CPU by design, more on a busy machine.
  it("throttles one address spraying many emails", { timeout: 120_000 }, async () => {
    const attempt = (email: string) =>
      internalApi(server, "/login", {
        body: { email, password: "spray-password", clientAddress: "203.0.113.9" },
      });
    for (let i = 0; i < 20; i++) expect((await attempt(`user${i}@example.com`)).status).toBe(401);
    expect((await attempt("user20@example.com")).status).toBe(429);
  });

  it("refuses a malformed body with invalid_request, not a 5xx", async () => {
    const response = await internalApi(server, "/login", { body: { email: 42 } });
    expect(response.status).toBe(400);
    expect((await json(response)).error).toBe("invalid_request");
    const notJson = await fetch(server.url("/internal/login"), {
      method: "POST",
      headers: {
        Authorization: `Bearer ${await internalApiToken(server)}`,
        "Content-Type": "application/json",
      },
      body: "{not json",
    });
    expect(notJson.status).toBe(400);
  });
});
