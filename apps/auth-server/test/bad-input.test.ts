// Malformed input to every endpoint gets a 4xx with an RFC 6749 / RFC 7591 error body — never a 5xx.
import { describe, expect, it } from "vitest";
import { WEB_CLIENT } from "./support/authorization";
import {
  basicAuthorization,
  DEMO_BATCH,
  json,
  MCP_RESOURCE,
  useTestAuthServer,
} from "./support/test-server";

const server = useTestAuthServer();

const FORM = "application/x-www-form-urlencoded";
const DEMO_BASIC = basicAuthorization(DEMO_BATCH.clientId, DEMO_BATCH.clientSecret);
/** The web app's client: the one seeded client allowed to introspect (RFC 7662 §4). */
const WEB_BASIC = basicAuthorization(WEB_CLIENT.clientId, WEB_CLIENT.clientSecret);
const GOOD_TOKEN_BODY = `grant_type=client_credentials&resource=${encodeURIComponent(MCP_RESOURCE)}`;

interface BadRequestCase {
  name: string;
  path: "/token" | "/register" | "/introspect" | "/revoke";
  contentType?: string;
  authorization?: string;
  body: string;
  status: number;
  error: string;
}

const OAUTH_ERROR_CODES = new Set([
  "invalid_request",
  "invalid_client",
  "invalid_grant",
  "unauthorized_client",
  "unsupported_grant_type",
  "invalid_scope",
  "invalid_target",
  "invalid_redirect_uri",
  "invalid_client_metadata",
  "unsupported_token_type",
  "temporarily_unavailable",
]);

const formEndpointCases = (path: BadRequestCase["path"]): BadRequestCase[] => [
  {
    name: "JSON body",
    path,
    contentType: "application/json",
    authorization: DEMO_BASIC,
    body: '{"token":"x"}',
    status: 400,
    error: "invalid_request",
  },
  {
    name: "multipart body",
    path,
    contentType: "multipart/form-data; boundary=x",
    authorization: DEMO_BASIC,
    body: "--x--",
    status: 400,
    error: "invalid_request",
  },
  {
    name: "no content type",
    path,
    authorization: DEMO_BASIC,
    body: "token=x",
    status: 400,
    error: "invalid_request",
  },
  {
    name: "text/plain",
    path,
    contentType: "text/plain",
    authorization: DEMO_BASIC,
    body: "token=x",
    status: 400,
    error: "invalid_request",
  },
  {
    name: "oversized body",
    path,
    contentType: FORM,
    authorization: DEMO_BASIC,
    body: `token=${"a".repeat(20_000)}`,
    status: 413,
    error: "invalid_request",
  },
  {
    name: "duplicate parameter",
    path,
    contentType: FORM,
    authorization: DEMO_BASIC,
    body: "token=a&token=b&grant_type=client_credentials",
    status: 400,
    error: "invalid_request",
  },
  {
    name: "no client identification",
    path,
    contentType: FORM,
    body: "token=x&grant_type=client_credentials",
    status: 401,
    error: "invalid_client",
  },
  {
    name: "wrong secret",
    path,
    contentType: FORM,
    authorization: basicAuthorization("demo-batch", "wrong"),
    body: "token=x&grant_type=client_credentials",
    status: 401,
    error: "invalid_client",
  },
  {
    name: "unknown client",
    path,
    contentType: FORM,
    authorization: basicAuthorization("ghost", "secret"),
    body: "token=x&grant_type=client_credentials",
    status: 401,
    error: "invalid_client",
  },
  {
    name: "Basic header that is not base64",
    path,
    contentType: FORM,
    authorization: "Basic !!!",
    body: "token=x&grant_type=client_credentials",
    status: 400,
    error: "invalid_request",
  },
  {
    name: "Basic header without a colon",
    path,
    contentType: FORM,
    authorization: `Basic ${Buffer.from("demo-batch").toString("base64")}`,
    body: "token=x&grant_type=client_credentials",
    status: 400,
    error: "invalid_request",
  },
  {
    name: "Bearer instead of Basic",
    path,
    contentType: FORM,
    authorization: "Bearer abc",
    body: "token=x&grant_type=client_credentials",
    status: 400,
    error: "invalid_request",
  },
  {
    name: "two authentication methods",
    path,
    contentType: FORM,
    authorization: DEMO_BASIC,
    body: `token=x&grant_type=client_credentials&client_secret=${DEMO_BATCH.clientSecret}`,
    status: 400,
    error: "invalid_request",
  },
  {
    name: "client_secret without client_id",
    path,
    contentType: FORM,
    body: "token=x&grant_type=client_credentials&client_secret=abc",
    status: 400,
    error: "invalid_request",
  },
  {
    name: "client_id disagreeing with the Basic header",
    path,
    contentType: FORM,
    authorization: DEMO_BASIC,
    body: "token=x&grant_type=client_credentials&client_id=other",
    status: 400,
    error: "invalid_request",
  },
  {
    name: "confidential client without its secret",
    path,
    contentType: FORM,
    body: "token=x&grant_type=client_credentials&client_id=demo-batch",
    status: 401,
    error: "invalid_client",
  },
  {
    name: "over-long client_id",
    path,
    contentType: FORM,
    body: `token=x&grant_type=client_credentials&client_id=${"c".repeat(3000)}`,
    status: 401,
    error: "invalid_client",
  },
];

const CASES: BadRequestCase[] = [
  ...formEndpointCases("/token"),
  {
    name: "missing grant_type",
    path: "/token",
    contentType: FORM,
    authorization: DEMO_BASIC,
    body: "resource=x",
    status: 400,
    error: "invalid_request",
  },
  {
    name: "unknown grant type",
    path: "/token",
    contentType: FORM,
    authorization: DEMO_BASIC,
    body: "grant_type=urn:example:magic",
    status: 400,
    error: "unsupported_grant_type",
  },
  {
    name: "password grant",
    path: "/token",
    contentType: FORM,
    authorization: DEMO_BASIC,
    body: "grant_type=password&username=a&password=b",
    status: 400,
    error: "unsupported_grant_type",
  },
  {
    name: "implicit-style grant",
    path: "/token",
    contentType: FORM,
    authorization: DEMO_BASIC,
    body: "grant_type=implicit",
    status: 400,
    error: "unsupported_grant_type",
  },
  {
    name: "grant_type named like a prototype member",
    path: "/token",
    contentType: FORM,
    authorization: DEMO_BASIC,
    body: "grant_type=__proto__",
    status: 400,
    error: "unsupported_grant_type",
  },
  {
    name: "grant_type=constructor",
    path: "/token",
    contentType: FORM,
    authorization: DEMO_BASIC,
    body: "grant_type=constructor",
    status: 400,
    error: "unsupported_grant_type",
  },
  {
    name: "oversized scope",
    path: "/token",
    contentType: FORM,
    authorization: DEMO_BASIC,
    body: `${GOOD_TOKEN_BODY}&scope=${"a".repeat(5000)}`,
    status: 400,
    error: "invalid_request",
  },
  {
    name: "scope with a quote",
    path: "/token",
    contentType: FORM,
    authorization: DEMO_BASIC,
    body: `${GOOD_TOKEN_BODY}&scope=%22mcp%22`,
    status: 400,
    error: "invalid_scope",
  },
  {
    name: "duplicate grant_type",
    path: "/token",
    contentType: FORM,
    authorization: DEMO_BASIC,
    body: `${GOOD_TOKEN_BODY}&grant_type=client_credentials`,
    status: 400,
    error: "invalid_request",
  },
  {
    name: "resource that is not a URI",
    path: "/token",
    contentType: FORM,
    authorization: DEMO_BASIC,
    body: "grant_type=client_credentials&resource=%20%20",
    status: 400,
    error: "invalid_target",
  },

  ...formEndpointCases("/introspect"),
  {
    name: "missing token",
    path: "/introspect",
    contentType: FORM,
    authorization: WEB_BASIC,
    body: "token_type_hint=access_token",
    status: 400,
    error: "invalid_request",
  },
  {
    name: "oversized token",
    path: "/introspect",
    contentType: FORM,
    authorization: WEB_BASIC,
    body: `token=${"t".repeat(9000)}`,
    status: 400,
    error: "invalid_request",
  },
  {
    name: "a client not allowed to introspect",
    path: "/introspect",
    contentType: FORM,
    authorization: DEMO_BASIC,
    body: "token=x",
    status: 403,
    error: "unauthorized_client",
  },

  ...formEndpointCases("/revoke"),
  {
    name: "missing token",
    path: "/revoke",
    contentType: FORM,
    authorization: DEMO_BASIC,
    body: "",
    status: 400,
    error: "invalid_request",
  },

  {
    name: "form body",
    path: "/register",
    contentType: FORM,
    body: "redirect_uris=https://a.example/cb",
    status: 400,
    error: "invalid_client_metadata",
  },
  {
    name: "no content type",
    path: "/register",
    body: "{}",
    status: 400,
    error: "invalid_client_metadata",
  },
  {
    name: "broken JSON",
    path: "/register",
    contentType: "application/json",
    body: '{"redirect_uris": [',
    status: 400,
    error: "invalid_client_metadata",
  },
  {
    name: "JSON array",
    path: "/register",
    contentType: "application/json",
    body: "[]",
    status: 400,
    error: "invalid_client_metadata",
  },
  {
    name: "JSON null",
    path: "/register",
    contentType: "application/json",
    body: "null",
    status: 400,
    error: "invalid_client_metadata",
  },
  {
    name: "JSON string",
    path: "/register",
    contentType: "application/json",
    body: '"hello"',
    status: 400,
    error: "invalid_client_metadata",
  },
  {
    name: "empty body",
    path: "/register",
    contentType: "application/json",
    body: "",
    status: 400,
    error: "invalid_client_metadata",
  },
  {
    name: "no redirect_uris",
    path: "/register",
    contentType: "application/json",
    body: "{}",
    status: 400,
    error: "invalid_redirect_uri",
  },
  {
    name: "redirect_uris as a string",
    path: "/register",
    contentType: "application/json",
    body: '{"redirect_uris":"https://a.example/cb"}',
    status: 400,
    error: "invalid_redirect_uri",
  },
  {
    name: "empty redirect_uris",
    path: "/register",
    contentType: "application/json",
    body: '{"redirect_uris":[]}',
    status: 400,
    error: "invalid_redirect_uri",
  },
  {
    name: "redirect_uris with a number",
    path: "/register",
    contentType: "application/json",
    body: '{"redirect_uris":[42]}',
    status: 400,
    error: "invalid_redirect_uri",
  },
  {
    name: "too many redirect_uris",
    path: "/register",
    contentType: "application/json",
    body: JSON.stringify({
      redirect_uris: Array.from({ length: 11 }, (_, i) => `https://a.example/${i}`),
    }),
    status: 400,
    error: "invalid_redirect_uri",
  },
  {
    name: "over-long redirect URI",
    path: "/register",
    contentType: "application/json",
    body: JSON.stringify({ redirect_uris: [`https://a.example/${"p".repeat(2100)}`] }),
    status: 400,
    error: "invalid_redirect_uri",
  },
  {
    name: "oversized body",
    path: "/register",
    contentType: "application/json",
    body: JSON.stringify({ redirect_uris: ["https://a.example/cb"], padding: "x".repeat(70_000) }),
    status: 413,
    error: "invalid_request",
  },
  {
    name: "grant_types as an object",
    path: "/register",
    contentType: "application/json",
    body: '{"redirect_uris":["https://a.example/cb"],"grant_types":{"a":1}}',
    status: 400,
    error: "invalid_client_metadata",
  },
  {
    name: "client_name as a number",
    path: "/register",
    contentType: "application/json",
    body: '{"redirect_uris":["https://a.example/cb"],"client_name":7}',
    status: 400,
    error: "invalid_client_metadata",
  },
  {
    name: "__proto__ member",
    path: "/register",
    contentType: "application/json",
    body: '{"redirect_uris":["https://a.example/cb"],"__proto__":{"token_endpoint_auth_method":"none"},"grant_types":["client_credentials"]}',
    status: 400,
    error: "invalid_client_metadata",
  },
];

describe("bad input never yields a 5xx", () => {
  it.each(CASES.map((entry) => [`${entry.path}: ${entry.name}`, entry] as const))(
    "%s",
    async (_, entry) => {
      const headers: Record<string, string> = {};
      if (entry.contentType) headers["Content-Type"] = entry.contentType;
      if (entry.authorization) headers.Authorization = entry.authorization;
      const response = await fetch(server.url(entry.path), {
        method: "POST",
        headers,
        // A Uint8Array body makes fetch send no Content-Type of its own.
        body: new TextEncoder().encode(entry.body),
      });
      expect(response.status).toBe(entry.status);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      const body = await json(response);
      expect(body.error).toBe(entry.error);
      expect(OAUTH_ERROR_CODES.has(body.error)).toBe(true);
      expect(typeof body.error_description).toBe("string");
      expect(body.error_description).not.toMatch(/\bat .+\.ts:\d+/);
      expect(JSON.stringify(body)).not.toMatch(/stack|Error:/);
    },
  );

  it("ignores unrecognised parameters as RFC 6749 §3.2 requires", async () => {
    const response = await fetch(server.url("/token"), {
      method: "POST",
      headers: { "Content-Type": FORM, Authorization: DEMO_BASIC },
      body: `${GOOD_TOKEN_BODY}&unrecognised=1&x=%%%`,
    });
    expect(response.status).toBe(200);
  });

  it("treats a parameter sent without a value as omitted (RFC 6749 §3.1)", async () => {
    const response = await fetch(server.url("/token"), {
      method: "POST",
      headers: { "Content-Type": FORM, Authorization: DEMO_BASIC },
      body: `${GOOD_TOKEN_BODY}&scope=`,
    });
    expect(response.status).toBe(200);
  });
});
