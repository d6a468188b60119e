// What a failed run tells the person: one line naming what went wrong, never a stack trace.

import { StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { OAuthError } from "@modelcontextprotocol/sdk/server/auth/errors.js";
import { AuthorizationResponseError } from "./callback-server";
import { UsageError } from "./cli";
import { StateFileError } from "./token-store";
import { UnreachableError } from "./trace";
import { HeadlessAuthorizationError } from "./user-agent";

export function describeError(error: unknown): string {
  if (error instanceof UsageError) return `${error.message} (see --help)`;
  if (error instanceof UnreachableError) {
    return `${error.message}. Is the demo running? (npm run demo)`;
  }
  if (error instanceof AuthorizationResponseError) return `authorization failed: ${error.message}`;
  if (error instanceof OAuthError) {
    const code = (error.constructor as { errorCode?: string }).errorCode ?? "error";
    return `the authorization server refused: ${code}${error.message ? ` (${error.message})` : ""}`;
  }
  if (error instanceof StreamableHTTPError) return `the MCP server refused: ${error.message}`;
  if (
    error instanceof StateFileError ||
    error instanceof HeadlessAuthorizationError ||
    error instanceof Error
  ) {
    return firstLine(error.message);
  }
  return firstLine(String(error));
}

function firstLine(text: string): string {
  return text.split("\n")[0]?.trim() || "unknown error";
}
