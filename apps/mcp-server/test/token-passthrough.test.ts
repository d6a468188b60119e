// RS-4, no token passthrough: the MCP server never sends a client's token anywhere. The only request it
// makes is for the issuer's JWKS, and that request carries no credentials.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { connectClient, userToken, useTestStack } from "./support/test-stack";

const stack = useTestStack();

interface OutboundRequest {
  url: string;
  authorization: string | null;
  body: string;
}

let outbound: OutboundRequest[] = [];
const realFetch = globalThis.fetch;

// The test process hosts both servers and the client, so every fetch it makes goes through here; the
// ones that do not target the MCP server are the MCP server's own (or the test's, before recording).
beforeEach(() => {
  outbound = [];
  vi.stubGlobal("fetch", async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    if (!request.url.startsWith(stack.mcp.origin)) {
      outbound.push({
        url: request.url,
        authorization: request.headers.get("authorization"),
        body: request.body ? await request.clone().text() : "",
      });
    }
    return realFetch(request);
  });
});
afterEach(() => vi.unstubAllGlobals());

describe("no token passthrough (RS-4)", () => {
  it("calls tools on a person's token without sending that token, or any token, upstream", async () => {
    const token = await userToken(stack, {
      subject: "passthrough-user",
      scopes: [
        "mcp:tools:sentiment:read",
        "mcp:data:news:read",
        "mcp:data:watchlist:read",
        "mcp:data:watchlist:write",
        "mcp:data:client-info:read",
      ],
    });
    // Rotating the key makes the server's cached JWKS stale, so the test sees it fetch the new one.
    await stack.auth.instance.server.keys.rotate();
    const fresh = await userToken(stack, {
      subject: "passthrough-user",
      scopes: ["mcp:tools:sentiment:read", "mcp:data:watchlist:write", "mcp:data:client-info:read"],
    });
    for (const current of [token, fresh]) {
      const client = await connectClient(stack, current);
      await client.callTool({ name: "whoami", arguments: {} });
      await client.callTool({
        name: "analyze_sentiment",
        arguments: { text: "Revenue beat estimates" },
      });
      await client.callTool({ name: "watchlist_add", arguments: { ticker: "QTXA" } });
      await client.close();
    }

    const jwksUrl = stack.auth.url("/.well-known/jwks.json");
    expect(outbound.length).toBeGreaterThan(0);
    for (const request of outbound) {
      expect(request.url).toBe(jwksUrl);
      expect(request.authorization).toBeNull();
      expect(request.body).not.toContain(token);
      expect(request.body).not.toContain(fresh);
    }
  });
});
