// TRUST_PROXY: the address in audit rows and rate limits is the socket's peer unless the operator
// names the proxies in front, and then the one those proxies saw.
import { describe, expect, it } from "vitest";
import { listAuditEvents } from "../src/store/audit";
import { useTestAuthServer } from "./support/test-server";

const REGISTRATION = JSON.stringify({
  redirect_uris: ["http://localhost:8976/oauth/callback"],
  token_endpoint_auth_method: "none",
  grant_types: ["authorization_code", "refresh_token"],
  response_types: ["code"],
  client_name: "Example MCP CLI",
});

/** Registers a client with the given forwarding headers and answers the address its audit row names. */
async function auditedAddress(
  server: ReturnType<typeof useTestAuthServer>,
  headers: Record<string, string>,
): Promise<string | null | undefined> {
  const response = await fetch(server.url("/register"), {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: REGISTRATION,
  });
  expect(response.status).toBe(201);
  const { client_id: clientId } = (await response.json()) as { client_id: string };
  const [row] = await server.instance.server.store.run((x) =>
    listAuditEvents(x, { event: "client.registered", clientId }),
  );
  return row?.ipAddress;
}

describe("without TRUST_PROXY", () => {
  const server = useTestAuthServer();

  it("records the socket's peer, whatever X-Forwarded-For says (spoofed X-Forwarded-For)", async () => {
    expect(await auditedAddress(server, { "X-Forwarded-For": "203.0.113.66" })).toBe("127.0.0.1");
    expect(await auditedAddress(server, { Forwarded: "for=203.0.113.66" })).toBe("127.0.0.1");
  });
});

describe("with one trusted hop", () => {
  const server = useTestAuthServer({ TRUST_PROXY: "1" });

  it("records the address the proxy appended, not a spoofed leftmost entry", async () => {
    expect(await auditedAddress(server, { "X-Forwarded-For": "203.0.113.66, 198.51.100.7" })).toBe(
      "198.51.100.7",
    );
    expect(await auditedAddress(server, { Forwarded: 'for="[2001:db8::7]:4711"' })).toBe(
      "2001:db8::7",
    );
  });

  it("falls back to the peer for an entry that is no address, never to one further left", async () => {
    expect(await auditedAddress(server, { "X-Forwarded-For": "203.0.113.66, unknown" })).toBe(
      "127.0.0.1",
    );
  });
});

describe("with a list of trusted proxies", () => {
  const server = useTestAuthServer({ TRUST_PROXY: "10.0.0.0/8" });

  it("ignores Forwarded from an untrusted peer", async () => {
    expect(await auditedAddress(server, { Forwarded: "for=198.51.100.7" })).toBe("127.0.0.1");
  });
});

describe("with loopback as the trusted proxy", () => {
  const server = useTestAuthServer({ TRUST_PROXY: "127.0.0.1, ::1" });

  it("walks X-Forwarded-For past the trusted proxies to the client", async () => {
    expect(
      await auditedAddress(server, { "X-Forwarded-For": "203.0.113.66, 198.51.100.7, 127.0.0.1" }),
    ).toBe("198.51.100.7");
  });
});
