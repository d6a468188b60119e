// The request id the proxy in front gives each request (X-Request-Id), carried on to the auth-server
// and the MCP server so that one id finds a sign-in or a consent in every server's log and audit rows
// (docs/observability.md). The same rule as the servers': anything else is not an id.
export const REQUEST_ID_HEADER = "X-Request-Id";

const REQUEST_ID = /^[A-Za-z0-9_=-]{1,128}$/;

export function isRequestId(value: string | null | undefined): value is string {
  return typeof value === "string" && REQUEST_ID.test(value);
}
