// Another process holding SQLite's write lock past the busy timeout (a second server on the same file,
// a maintenance script): the write fails with SQLITE_BUSY, which is a reason to retry, so the client
// gets 503 with Retry-After rather than a 500 or a tool call that seemed to work.
import { migrationsFolder } from "@repo/server-kit/database";
import { openSqliteDatabase } from "@repo/server-kit/sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP_ROOT } from "../src/db/database";
import { DATABASE_RETRY_AFTER_SECONDS, isStoreUnavailable } from "../src/http/unavailable";
import { json, postMcp, toolCall } from "./support/json-rpc";
import { startTestStack, type TestStack, userToken } from "./support/test-stack";

describe("a SQLite file another process keeps locked", () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.mcp.close();
    await stack?.auth.close();
  });

  it("answers a write with 503 and Retry-After once the busy timeout runs out, and logs it", async () => {
    const token = await userToken(stack, {
      subject: "busy",
      scopes: ["mcp:data:watchlist:write"],
    });
    const other = openSqliteDatabase({
      path: stack.mcp.instance.server.config.database.url,
      schema: {},
      migrationsFolder: migrationsFolder(APP_ROOT, "sqlite"),
    });
    try {
      other.sqlite.exec("BEGIN EXCLUSIVE");
      const response = await postMcp(
        stack.mcp.resource,
        toolCall("watchlist_add", { ticker: "HLVR" }),
        { token },
      );
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe(String(DATABASE_RETRY_AFTER_SECONDS));
      expect(await json(response)).toMatchObject({ jsonrpc: "2.0", error: { code: -32000 } });
      expect(stack.mcp.serverErrors.some(isStoreUnavailable)).toBe(true);
    } finally {
      other.sqlite.exec("ROLLBACK");
      other.close();
    }
    stack.mcp.serverErrors.length = 0;
    const retried = await postMcp(
      stack.mcp.resource,
      toolCall("watchlist_add", { ticker: "HLVR" }),
      { token },
    );
    expect(retried.status).toBe(200);
    expect(stack.mcp.serverErrors).toEqual([]);
  });
});
