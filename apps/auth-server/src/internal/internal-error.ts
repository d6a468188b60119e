// Errors of the internal API: JSON `{ error, error_description }` with a 4xx, like the OAuth endpoints.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export type InternalErrorCode =
  | "invalid_request"
  | "invalid_credentials"
  | "too_many_attempts"
  | "unknown_interaction"
  | "interaction_expired";

export class InternalApiError extends Error {
  constructor(
    readonly code: InternalErrorCode,
    readonly description: string,
    readonly status: ContentfulStatusCode,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${code}: ${description}`);
    this.name = "InternalApiError";
  }

  toResponse(c: Context): Response {
    c.header("Cache-Control", "no-store");
    for (const [name, value] of Object.entries(this.headers)) c.header(name, value);
    return c.json({ error: this.code, error_description: this.description }, this.status);
  }
}

/** Reads a JSON object body or fails with invalid_request. */
export async function readJsonBody(c: Context): Promise<unknown> {
  const type = (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") {
    throw new InternalApiError("invalid_request", "the body must be application/json", 400);
  }
  try {
    return JSON.parse(await c.req.text());
  } catch {
    throw new InternalApiError("invalid_request", "the body is not valid JSON", 400);
  }
}
