// RFC 9112 §9.3: a connection answered early (413, 429, 400) still carries the client's next request.
import { type KeepAliveClient, keepAliveClient } from "@repo/server-kit/fuzz";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  basicAuthorization,
  DEMO_BATCH,
  form,
  MCP_RESOURCE,
  useTestAuthServer,
} from "./support/test-server";

const server = useTestAuthServer({ REGISTRATION_RATE_LIMIT: "2" });

let client: KeepAliveClient;
beforeEach(() => {
  client = keepAliveClient(1);
});
afterEach(() => client.close());

const JSON_HEADERS = { "Content-Type": "application/json" };

function registration(body: string | Uint8Array | ReadableStream) {
  return client.fetch(server.url("/register"), {
    method: "POST",
    headers: JSON_HEADERS,
    body,
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  });
}

function tokenRequest(body: string) {
  return client.fetch(server.url("/token"), {
    method: "POST",
    headers: {
      ...form({}).headers,
      Authorization: basicAuthorization(DEMO_BATCH.clientId, DEMO_BATCH.clientSecret),
    },
    body,
  });
}

const VALID_TOKEN_REQUEST = form({ grant_type: "client_credentials", resource: MCP_RESOURCE }).body;

/** The request a real client sends next on the same connection, which must be answered. */
async function expectNextRequestAnswered() {
  const response = await tokenRequest(VALID_TOKEN_REQUEST);
  expect(response.status).toBe(200);
  expect(((await response.json()) as { token_type: string }).token_type).toBe("Bearer");
}

function chunked(bytes: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      const chunk = new Uint8Array(Math.min(8192, bytes - sent)).fill(0x7b);
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
}

describe("a connection after an early answer", () => {
  it("a client reusing its connection after an early 413 for a 100 KB registration still gets an answer", async () => {
    const refused = await registration("x".repeat(100 * 1024));
    expect(refused.status).toBe(413);
    expect(((await refused.json()) as { error: string }).error).toBe("invalid_request");
    await expectNextRequestAnswered();
    expect(client.connectionsOpened()).toBe(1);
  });

  it("a client reusing its connection after an early 413 for a 1 MiB token request still gets an answer", async () => {
    // Before the fix this size lost the next request every time: the unread body stalled the socket.
    const refused = await tokenRequest("x".repeat(1024 * 1024));
    expect(refused.status).toBe(413);
    await refused.arrayBuffer();
    await expectNextRequestAnswered();
    expect(client.connectionsOpened()).toBe(1);
  });

  it("a client reusing its connection after a 413 for a chunked 100 KB body still gets an answer", async () => {
    const refused = await registration(chunked(100 * 1024));
    expect(refused.status).toBe(413);
    await refused.arrayBuffer();
    await expectNextRequestAnswered();
  });

  it("a client reusing its connection after a 400 for a duplicate parameter still gets an answer", async () => {
    const refused = await tokenRequest(`grant_type=client_credentials&${VALID_TOKEN_REQUEST}`);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: "invalid_request" });
    await expectNextRequestAnswered();
    expect(client.connectionsOpened()).toBe(1);
  });

  it("a client reusing its connection after a 429 from the registration limit still gets an answer", async () => {
    const metadata = JSON.stringify({
      redirect_uris: ["http://127.0.0.1:33418/callback"],
      token_endpoint_auth_method: "none",
    });
    let refused: Response | undefined;
    for (let attempt = 0; attempt < 3 && refused === undefined; attempt++) {
      const response = await registration(metadata);
      if (response.status === 429) refused = response;
      else await response.arrayBuffer();
    }
    expect(refused?.status).toBe(429);
    expect(refused?.headers.get("retry-after")).toMatch(/^\d+$/);
    await refused?.arrayBuffer();
    await expectNextRequestAnswered();
    expect(client.connectionsOpened()).toBe(1);
  });

  it("a body too large to drain gets a complete 413 with Connection: close, and the next request an answer", async () => {
    const refused = await tokenRequest("x".repeat(4 * 1024 * 1024));
    expect(refused.status).toBe(413);
    expect(refused.headers.get("connection")).toBe("close");
    expect(((await refused.json()) as { error: string }).error).toBe("invalid_request");
    await expectNextRequestAnswered();
    expect(client.connectionsOpened()).toBe(2);
  });
});
