// The auth-server (in-process, demanding its DPoP nonce) and the MCP server (its own process) for the
// DPoP end-to-end files, started before the file's tests and stopped after them.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestAuthServer, type TestAuthServer } from "@repo/auth-server/test-server";
import { afterAll, beforeAll, expect } from "vitest";
import { type McpServer, reserveMcpUrl, startMcpServer } from "./mcp-server";

export interface DpopStack {
  auth: TestAuthServer;
  mcp: McpServer;
}

/**
 * The two servers, filled in by `beforeAll`; `mcpEnvironment` adds MCP server settings such as
 * DPOP_REQUIRED. The auth-server must have reported no unexpected error when it stops.
 */
export function useDpopStack(mcpEnvironment: Record<string, string> = {}): DpopStack {
  const stack = {} as DpopStack;
  let directory: string | undefined;
  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), "dpop-stack-"));
    const mcpUrl = await reserveMcpUrl();
    stack.auth = await startTestAuthServer({ MCP_RESOURCE: mcpUrl, DPOP_NONCE_REQUIRED: "true" });
    stack.mcp = startMcpServer(mcpUrl, {
      issuer: stack.auth.issuer,
      directory,
      environment: mcpEnvironment,
    });
    await stack.mcp.ready();
  });
  afterAll(async () => {
    await stack.mcp?.close();
    if (stack.auth) {
      const errors = stack.auth.serverErrors;
      await stack.auth.close();
      expect(errors).toEqual([]);
    }
    if (directory) rmSync(directory, { recursive: true, force: true });
  });
  return stack;
}
