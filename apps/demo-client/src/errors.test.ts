import { InvalidGrantError } from "@modelcontextprotocol/sdk/server/auth/errors.js";
import { describe, expect, it } from "vitest";
import { AuthorizationResponseError } from "./callback-server";
import { UsageError } from "./cli";
import { describeError } from "./errors";
import { UnreachableError } from "./trace";

describe("describeError", () => {
  it.each([
    [new UsageError("--ticker: bad"), "--ticker: bad (see --help)"],
    [
      new UnreachableError("http://localhost:4100/mcp", "connection refused"),
      "cannot reach http://localhost:4100/mcp: connection refused. Is the demo running? (npm run demo)",
    ],
    [
      new AuthorizationResponseError("access_denied", "no"),
      "authorization failed: the authorization server answered access_denied: no",
    ],
    [
      new InvalidGrantError("refresh token reused"),
      "the authorization server refused: invalid_grant (refresh token reused)",
    ],
    [new Error("first line\n    at frame (file.ts:1:1)"), "first line"],
    ["a string", "a string"],
  ])("says %s in one line, without a stack trace", (error, message) => {
    expect(describeError(error)).toBe(message);
  });
});
