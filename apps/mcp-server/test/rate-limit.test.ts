// One client cannot monopolise the server: tool calls are counted per verified client_id.
import { describe, expect, it } from "vitest";
import { postMcp, request, toolCall } from "./support/json-rpc";
import { clientCredentialsToken, userToken, useTestStack } from "./support/test-stack";

const stack = useTestStack({ TOOL_RATE_LIMIT: "3" });

describe("the per-client tool-call rate limit", () => {
  it("answers a client's calls beyond the limit with 429, Retry-After and a JSON-RPC error", async () => {
    const token = await clientCredentialsToken(stack);
    const call = () => postMcp(stack.mcp.resource, toolCall("whoami"), { token });
    for (let allowed = 0; allowed < 3; allowed++) expect((await call()).status).toBe(200);
    const refused = await call();
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await refused.json()).toMatchObject({
      jsonrpc: "2.0",
      error: { code: -32000, message: expect.stringMatching(/Too many tool calls/) },
      id: null,
    });
    // Listing tools is not a tool call, and another client has its own allowance.
    expect((await postMcp(stack.mcp.resource, request("tools/list"), { token })).status).toBe(200);
    const other = await userToken(stack, {
      subject: "someone",
      clientId: "another-client",
      scopes: ["mcp:data:client-info:read"],
    });
    const otherCall = await postMcp(stack.mcp.resource, toolCall("whoami"), { token: other });
    expect(otherCall.status).toBe(200);
  });

  it("counts every call in a batch, so batching does not multiply the allowance", async () => {
    const token = await userToken(stack, {
      subject: "batcher",
      clientId: "batching-client",
      scopes: ["mcp:data:client-info:read"],
    });
    const batch = [toolCall("whoami"), toolCall("whoami"), toolCall("whoami"), toolCall("whoami")];
    const response = await postMcp(stack.mcp.resource, batch, { token });
    expect(response.status).toBe(429);
  });
});
