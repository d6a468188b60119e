// Errors of the internal API: JSON `{ error, error_description }` with a 4xx, like the OAuth endpoints.
import type { ErrorBody, InternalErrorCode } from "@repo/contracts/internal-api";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";

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
    const body: ErrorBody = { error: this.code, error_description: this.description };
    return c.json(body, this.status);
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

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "the request is not valid";
  const where = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  return `${where}${issue.message}`.slice(0, 300);
}

/** A JSON body parsed by `schema`, or invalid_request naming the first problem. */
export async function parseJsonBody<T extends z.ZodType>(
  c: Context,
  schema: T,
): Promise<z.output<T>> {
  const parsed = schema.safeParse(await readJsonBody(c));
  if (!parsed.success)
    throw new InternalApiError("invalid_request", describeIssue(parsed.error), 400);
  return parsed.data;
}

/** The query string parsed by `schema` (each parameter at most once), or invalid_request. */
export function parseQuery<T extends z.ZodType>(c: Context, schema: T): z.output<T> {
  const query: Record<string, string> = {};
  for (const [name, values] of Object.entries(c.req.queries())) {
    if (values.length !== 1) {
      throw new InternalApiError("invalid_request", `${name}: give it at most once`, 400);
    }
    query[name] = values[0] as string;
  }
  const parsed = schema.safeParse(query);
  if (!parsed.success)
    throw new InternalApiError("invalid_request", describeIssue(parsed.error), 400);
  return parsed.data;
}
