// What a failed run tells the person: one line naming what went wrong, never a stack trace.

import { StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { OAuthError } from "@modelcontextprotocol/sdk/server/auth/errors.js";
import { AuthorizationResponseError } from "./callback-server";
import { UsageError } from "./cli";
import { UnreachableError } from "./trace";

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
  // Everything else (a bad state file, a headless authorization that met a login page, an SDK
  // refusal such as a secret bound to another issuer) already says what went wrong in one line.
  if (error instanceof Error) return firstLine(error.message);
  return firstLine(String(error));
}

function firstLine(text: string): string {
  return text.split("\n")[0]?.trim() || "unknown error";
}
