// DPoP end to end with our own authorization server (RFC 9449): the MCP SDK v2 client signs proofs
// with its key at the auth-server's /token, which demands its nonce (DPOP_NONCE_REQUIRED) and binds
// the token to that key, and at every MCP request; the MCP server, accepting DPoP-bound tokens only
// (DPOP_REQUIRED), checks the binding. A copy of the token without the key is refused.
import { Client, DpopSession, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import { DpopClientCredentialsProvider, expectBoundToItsKey } from "./support/dpop-machine-client";
import { useDpopStack } from "./support/dpop-stack";

const stack = useDpopStack({ DPOP_REQUIRED: "true" });

/** The seeded machine client on the SDK v2, with a key of its own. */
async function machineClient(): Promise<DpopClientCredentialsProvider> {
  return new DpopClientCredentialsProvider(await DpopSession.create(), {
    clientId: "demo-batch",
    clientSecret: "demo-batch-secret",
    scope: "mcp:tools:sentiment:read",
    expectedIssuer: stack.auth.issuer,
  });
}

async function connected(provider: DpopClientCredentialsProvider): Promise<Client> {
  const client = new Client({ name: "dpop-own-as-e2e", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(stack.mcp.url), { authProvider: provider }),
  );
  return client;
}

describe("DPoP-bound tokens from our auth-server, with the MCP SDK v2 client", () => {
  it("gets a token bound to its key after the nonce round trip, and calls a tool with it", async () => {
    const provider = await machineClient();
    const client = await connected(provider);
    try {
      await expectBoundToItsKey(provider);
      const result = await client.callTool({
        name: "analyze_sentiment",
        arguments: { text: "Quartexa raised its full-year guidance." },
      });
      expect(result.isError).toBeFalsy();
    } finally {
      await client.close();
    }
  });

  it("refuses the token when stolen: sent as a bearer token, or with the thief's own key", async () => {
    const provider = await machineClient();
    await (await connected(provider)).close();
    const stolen = (await provider.tokens())?.access_token ?? "";
    const thief = await DpopSession.create();
    const attempts: Record<string, string>[] = [
      { Authorization: `Bearer ${stolen}` },
      {
        Authorization: `DPoP ${stolen}`,
        DPoP: await thief.buildProof({ htm: "POST", htu: stack.mcp.url, accessToken: stolen }),
      },
    ];
    for (const headers of attempts) {
      const response = await fetch(stack.mcp.url, {
        method: "POST",
        headers: {
          ...headers,
          "Content-Type": "application/json",
          Accept: "application/json, text/event-stream",
          "MCP-Protocol-Version": "2025-11-25",
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
      expect(response.status).toBe(401);
    }
  });
});
