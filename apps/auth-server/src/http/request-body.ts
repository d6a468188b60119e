// Strict request-body readers for the OAuth endpoints: the media type each RFC prescribes, no duplicates.
import type { Context } from "hono";
import { OAuthError, type OAuthErrorCode } from "./oauth-error";

function mediaType(c: Context): string {
  return (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

/**
 * RFC 6749 §3.2 / §3.1: token, revocation and introspection requests are
 * application/x-www-form-urlencoded, and "request and response parameters MUST NOT be included more than
 * once" — a duplicate could otherwise be read one way by a proxy and another way here.
 * `repeatable` names parameters a later RFC lets repeat (RFC 8707 `resource`).
 */
export async function readFormParameters(
  c: Context,
  repeatable: readonly string[] = [],
): Promise<{ single: Record<string, string>; repeated: Record<string, string[]> }> {
  if (mediaType(c) !== "application/x-www-form-urlencoded") {
    throw new OAuthError(
      "invalid_request",
      "the request body must be application/x-www-form-urlencoded",
    );
  }
  const parameters = new URLSearchParams(await c.req.text());
  const single: Record<string, string> = {};
  const repeated: Record<string, string[]> = {};
  for (const [name, value] of parameters) {
    if (repeatable.includes(name)) {
      repeated[name] = [...(repeated[name] ?? []), value];
      continue;
    }
    if (Object.hasOwn(single, name)) {
      throw new OAuthError(
        "invalid_request",
        `parameter "${name.slice(0, 40)}" is included more than once`,
      );
    }
    // RFC 6749 §3.1: "Parameters sent without a value MUST be treated as if they were omitted."
    if (value !== "") single[name] = value;
  }
  return { single, repeated };
}

/** RFC 7591 §3.1: the registration request is a JSON object. */
export async function readJsonObject(
  c: Context,
  errorCode: OAuthErrorCode,
): Promise<Record<string, unknown>> {
  if (mediaType(c) !== "application/json") {
    throw new OAuthError(errorCode, "the request body must be a JSON object (application/json)");
  }
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch {
    throw new OAuthError(errorCode, "the request body is not valid JSON");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new OAuthError(errorCode, "the request body must be a JSON object");
  }
  return body as Record<string, unknown>;
}
