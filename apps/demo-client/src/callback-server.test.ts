import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AuthorizationResponseError,
  type CallbackServer,
  judge,
  startCallbackServer,
} from "./callback-server";

const ISSUER = "http://localhost:4000";
const expected = { state: "s-123", issuer: ISSUER, issRequired: true };

describe("the loopback callback server", () => {
  let server: CallbackServer;
  const refused: string[] = [];
  beforeEach(async () => {
    server = await startCallbackServer();
    refused.length = 0;
    server.onRefused = (reason) => refused.push(reason);
  });
  afterEach(() => server.close());

  const callback = (query: Record<string, string>) =>
    fetch(`${server.redirectUri}?${new URLSearchParams(query)}`);

  it("listens on 127.0.0.1, an ephemeral port, path /callback (RFC 8252 §7.3)", () => {
    expect(server.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
  });

  it("hands over the code when state and iss match, and tells the browser it may close the tab", async () => {
    const waiting = server.expect(expected);
    const response = await callback({ code: "the-code", state: "s-123", iss: ISSUER });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("You can close this tab");
    await expect(waiting).resolves.toEqual({ code: "the-code", iss: ISSUER });
  });

  it("refuses a callback with a forged state (CSRF on the redirect) and keeps waiting for the real one", async () => {
    const waiting = server.expect(expected);
    const forged = await callback({ code: "attacker-code", state: "guessed", iss: ISSUER });
    expect(forged.status).toBe(400);
    expect(refused).toEqual(["its state does not match the request's"]);
    await callback({ code: "real-code", state: "s-123", iss: ISSUER });
    await expect(waiting).resolves.toEqual({ code: "real-code", iss: ISSUER });
  });

  it("refuses a response from another authorization server (mix-up, RFC 9207)", async () => {
    server.expect(expected, 1_000).catch(() => undefined);
    const response = await callback({ code: "c", state: "s-123", iss: "https://evil.example" });
    expect(response.status).toBe(400);
    expect(refused[0]).toContain("is not the authorization server asked");
  });

  it("refuses a response without iss when the authorization server advertises it (RFC 9207 §2.4)", async () => {
    server.expect(expected, 1_000).catch(() => undefined);
    expect((await callback({ code: "c", state: "s-123" })).status).toBe(400);
    expect(refused[0]).toContain("has no iss");
  });

  it("surfaces an error response (access_denied) to the waiting flow", async () => {
    const failure = server.expect(expected).then(
      () => undefined,
      (error: unknown) => error,
    );
    const response = await callback({
      error: "access_denied",
      error_description: "The person <b>denied</b> the request.",
      state: "s-123",
      iss: ISSUER,
    });
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain("access_denied");
    // The description comes from the query string: it is shown as text, never as markup.
    expect(page).toContain("&lt;b&gt;denied&lt;/b&gt;");
    const error = await failure;
    expect(error).toBeInstanceOf(AuthorizationResponseError);
    expect((error as Error).message).toBe(
      "the authorization server answered access_denied: The person <b>denied</b> the request.",
    );
  });

  it("refuses an error response with a forged state: nobody else may end the flow", async () => {
    server.expect(expected, 1_000).catch(() => undefined);
    const response = await callback({ error: "access_denied", state: "forged", iss: ISSUER });
    expect(response.status).toBe(400);
  });

  it("accepts one response per request: a replayed callback is refused", async () => {
    const waiting = server.expect(expected);
    await callback({ code: "c", state: "s-123", iss: ISSUER });
    await waiting;
    expect((await callback({ code: "c", state: "s-123", iss: ISSUER })).status).toBe(400);
    expect(refused).toEqual(["no authorization request is waiting"]);
  });

  it("answers 404 anywhere but the redirect path", async () => {
    const origin = new URL(server.redirectUri).origin;
    expect((await fetch(`${origin}/`)).status).toBe(404);
  });

  it("gives up waiting after the timeout with a clear message", async () => {
    await expect(server.expect(expected, 50)).rejects.toThrow(
      "no authorization response arrived within 0.05 s",
    );
  });
});

describe("judge", () => {
  it("accepts a response without iss from a server that does not advertise it", () => {
    const verdict = judge(new URLSearchParams({ code: "c", state: "s" }), { state: "s" });
    expect(verdict).toEqual({ kind: "code", response: { code: "c" } });
  });

  it("refuses a response with neither code nor error", () => {
    expect(judge(new URLSearchParams({ state: "s" }), { state: "s" }).kind).toBe("refused");
  });
});
