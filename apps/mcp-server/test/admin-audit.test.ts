// GET /admin/audit: the tool-call log for the admin console, behind the MCP server's admin scope
// (admin:mcp:audit:read), which only the web app's own client can get and no MCP client ever sees.
import { requestClientCredentialsToken } from "@repo/auth-server/test-server";
import { describe, expect, it } from "vitest";
import { ADMIN_AUDIT_SCOPE } from "../src/admin/audit";
import {
  clientCredentialsToken,
  connectClient,
  type TestStack,
  userToken,
  useTestStack,
} from "./support/test-stack";

const stack = useTestStack();
const WEB_CLIENT = { clientId: "web", clientSecret: "web-client-secret" };

async function webToken(s: TestStack, resource: string, scope: string): Promise<string> {
  const response = await requestClientCredentialsToken(s.auth, { resource, scope }, WEB_CLIENT);
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

function adminAudit(query: string, token?: string): Promise<Response> {
  return fetch(stack.mcp.url(`/admin/audit${query}`), {
    headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
  });
}

async function callSomeTools() {
  const client = await connectClient(stack, await clientCredentialsToken(stack));
  await client.callTool({ name: "analyze_sentiment", arguments: { text: "Shares rallied." } });
  await client.callTool({ name: "whoami", arguments: {} });
  await client.close();
}

describe("the MCP server's admin audit endpoint", () => {
  it("returns tool-call rows, newest first, to the web app's admin token", async () => {
    await callSomeTools();
    const token = await webToken(stack, stack.mcp.resource, ADMIN_AUDIT_SCOPE);
    const response = await adminAudit("?client=demo-batch", token);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    const body = (await response.json()) as { items: Record<string, unknown>[]; nextCursor: null };
    expect(body.items.map((row) => row.tool)).toEqual(["whoami", "analyze_sentiment"]);
    expect(body.items[1]).toMatchObject({
      source: "mcp-server",
      event: "tool.call",
      outcome: "success",
      clientId: "demo-batch",
      subject: "demo-batch",
      scopes: expect.stringContaining("mcp:tools:sentiment:read"),
    });
    expect(body.nextCursor).toBeNull();
  });

  it("filters by tool and outcome and pages with a cursor", async () => {
    await callSomeTools();
    const token = await webToken(stack, stack.mcp.resource, ADMIN_AUDIT_SCOPE);
    const first = (await (await adminAudit("?tool=whoami&limit=1", token)).json()) as {
      items: { id: number; cursor: string; tool: string }[];
      nextCursor: string | null;
    };
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).toBe(first.items[0]?.cursor);
    const second = (await (
      await adminAudit(`?tool=whoami&limit=1&cursor=${first.nextCursor}`, token)
    ).json()) as { items: { id: number; tool: string }[] };
    expect(second.items[0]?.tool).toBe("whoami");
    expect(second.items[0]?.id).toBeLessThan(first.items[0]?.id ?? 0);
    const denied = (await (await adminAudit("?outcome=denied", token)).json()) as {
      items: unknown[];
    };
    expect(denied.items).toEqual([]);
    for (const bad of ["?limit=1000", "?cursor=x", "?since=yesterday", "?outcome=maybe"]) {
      const response = await adminAudit(bad, token);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toBe("invalid_request");
    }
  });

  it("refuses an ordinary MCP token, even one with every MCP scope (403 insufficient_scope)", async () => {
    const machine = await clientCredentialsToken(stack);
    const person = await userToken(stack, {
      subject: "someone",
      scopes: ["mcp:tools:sentiment:read", "mcp:data:client-info:read"],
    });
    for (const token of [machine, person]) {
      const response = await adminAudit("", token);
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: string }).error).toBe("insufficient_scope");
    }
  });

  it("refuses a token for the internal API (401, audience confusion)", async () => {
    const token = await webToken(stack, `${stack.auth.issuer}/internal`, "admin:audit:read");
    const response = await adminAudit("", token);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toBe("invalid_token");
  });

  it("refuses a request without a token, without naming the admin scope", async () => {
    const response = await adminAudit("");
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).not.toContain(ADMIN_AUDIT_SCOPE);
  });

  it("keeps the admin scope out of scopes_supported, the MCP challenge and tools/list", async () => {
    const metadata = (await (
      await fetch(stack.mcp.url("/.well-known/oauth-protected-resource/mcp"))
    ).json()) as { scopes_supported: string[] };
    expect(metadata.scopes_supported).not.toContain(ADMIN_AUDIT_SCOPE);
    const challenge = await fetch(stack.mcp.resource, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(challenge.status).toBe(401);
    expect(challenge.headers.get("www-authenticate")).not.toContain("admin:");
    const client = await connectClient(stack, await clientCredentialsToken(stack));
    const { tools } = await client.listTools();
    await client.close();
    expect(JSON.stringify(tools)).not.toContain("admin:");
  });

  it("opens no tool to the admin token (it reads the log, it does not act)", async () => {
    const token = await webToken(stack, stack.mcp.resource, ADMIN_AUDIT_SCOPE);
    const client = await connectClient(stack, token);
    await expect(
      client.callTool({ name: "analyze_sentiment", arguments: { text: "x" } }),
    ).rejects.toThrow();
    await client.close();
  });
});
