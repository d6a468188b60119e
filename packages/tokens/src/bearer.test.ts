// RFC 6750 §2.1 credentials and §3 challenges, tested against the MCP SDK client's parser.

import { describe, expect, it } from "vitest";
import { RESOURCE_METADATA_URL } from "../test/fixtures";
import { BearerRequestError, extractBearerToken, formatBearerChallenge } from "./bearer";

describe("extractBearerToken", () => {
  const TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

  const tokens: [string, string, string][] = [
    ["the canonical form", `Bearer ${TOKEN}`, TOKEN],
    ["a lower-case scheme (auth schemes are case-insensitive)", `bearer ${TOKEN}`, TOKEN],
    ["a mixed-case scheme", `BeArEr ${TOKEN}`, TOKEN],
    ["several spaces after the scheme (1*SP)", `Bearer   ${TOKEN}`, TOKEN],
    ["surrounding whitespace, which is not part of a field value", ` Bearer ${TOKEN}\t`, TOKEN],
    ["every b64token character and trailing padding", "Bearer aZ09-._~+/==", "aZ09-._~+/=="],
  ];
  it.each(tokens)("returns the token for %s", (_, header, expected) => {
    expect(extractBearerToken(header)).toBe(expected);
  });

  const absent: [string, string | undefined | null][] = [
    ["no header", undefined],
    ["a null header", null],
    ["an empty header", ""],
    ["a whitespace-only header", "  "],
    ["Basic credentials (an unsupported method, RFC 6750 §3.1)", "Basic dXNlcjpwYXNz"],
    ["a bare other scheme", "Negotiate"],
    ["auth-params of another scheme", 'Digest username="a", realm="b"'],
  ];
  it.each(absent)("returns null for %s", (_, header) => {
    expect(extractBearerToken(header)).toBeNull();
  });

  const malformed: [string, string][] = [
    ["Bearer without a token", "Bearer"],
    ["Bearer with only spaces", "Bearer   "],
    ["a tab instead of a space", `Bearer\t${TOKEN}`],
    ["two tokens", `Bearer ${TOKEN} ${TOKEN}`],
    ["a comma-joined second credential", `Bearer ${TOKEN}, Basic dXNlcjpwYXNz`],
    ["a comma right after the scheme", `Bearer,${TOKEN}`],
    ["auth-param syntax instead of a token", 'Bearer token="abc"'],
    ["padding in the middle", "Bearer ab=cd"],
    ["a non-b64token character", "Bearer abc!def"],
    ["a quoted token", `Bearer "${TOKEN}"`],
    ["a value that is no credentials at all", '"Bearer abc"'],
  ];
  it.each(malformed)("throws invalid_request for %s", (_, header) => {
    expect(() => extractBearerToken(header)).toThrow(BearerRequestError);
    try {
      extractBearerToken(header);
    } catch (error) {
      expect(error).toMatchObject({ error: "invalid_request" });
      expect((error as Error).message).not.toContain(TOKEN);
    }
  });
});

/** What the MCP TypeScript SDK 1.32.2 client does with the header (extractWWWAuthenticateParams). */
function parseLikeMcpSdk(header: string) {
  const [type, scheme] = header.split(" ");
  if (type?.toLowerCase() !== "bearer" || !scheme) return {};
  const field = (name: string) => {
    const match = header.match(new RegExp(`${name}=(?:"([^"]+)"|([^\\s,]+))`));
    return match ? match[1] || match[2] : undefined;
  };
  const resourceMetadata = field("resource_metadata");
  return {
    resourceMetadataUrl:
      resourceMetadata === undefined ? undefined : new URL(resourceMetadata).href,
    scope: field("scope") || undefined,
    error: field("error") || undefined,
  };
}

/** An RFC 9110 §11.6.1 challenge parser: scheme, then auth-params whose quoted-strings it unescapes. */
function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const scheme = /^[^ ]+/.exec(header)?.[0] ?? "";
  const params: Record<string, string> = {};
  const param = /\s*([!#$%&'*+\-.^_`|~0-9A-Za-z]+)="((?:[^"\\]|\\.)*)"\s*(?:,|$)/y;
  param.lastIndex = scheme.length + 1;
  while (param.lastIndex < header.length) {
    const match = param.exec(header);
    if (match === null) throw new Error(`unparseable challenge at ${param.lastIndex}: ${header}`);
    const [, name = "", value = ""] = match;
    params[name] = value.replace(/\\(.)/g, "$1");
  }
  return { scheme, params };
}

describe("formatBearerChallenge", () => {
  it("answers a request without a token with resource_metadata and scope only (RFC 6750 §3.1, RFC 9728 §5.1)", () => {
    expect(
      formatBearerChallenge({
        resourceMetadataUrl: RESOURCE_METADATA_URL,
        scope: "mcp:tools:sentiment:read mcp:data:news:read",
      }),
    ).toBe(
      `Bearer resource_metadata="${RESOURCE_METADATA_URL}", scope="mcp:tools:sentiment:read mcp:data:news:read"`,
    );
  });

  it("puts Bearer first, then resource_metadata, scope, error, error_description", () => {
    const header = formatBearerChallenge({
      resourceMetadataUrl: RESOURCE_METADATA_URL,
      scope: "mcp:tools:climate",
      error: "insufficient_scope",
      errorDescription: "access token lacks the scope this operation requires: mcp:tools:climate",
    });
    expect(header).toBe(
      `Bearer resource_metadata="${RESOURCE_METADATA_URL}", scope="mcp:tools:climate", error="insufficient_scope", error_description="access token lacks the scope this operation requires: mcp:tools:climate"`,
    );
  });

  it("omits an empty scope", () => {
    expect(formatBearerChallenge({ resourceMetadataUrl: RESOURCE_METADATA_URL, scope: "" })).toBe(
      `Bearer resource_metadata="${RESOURCE_METADATA_URL}"`,
    );
  });

  it("drops error_description when there is no error code (no error information without a token)", () => {
    expect(
      formatBearerChallenge({
        resourceMetadataUrl: RESOURCE_METADATA_URL,
        errorDescription: "should not appear",
      }),
    ).toBe(`Bearer resource_metadata="${RESOURCE_METADATA_URL}"`);
  });

  it('escapes \\ and " in quoted-strings (RFC 9110 §5.6.4), so a value cannot end its parameter', () => {
    const url = 'http://localhost/a"b\\c';
    const header = formatBearerChallenge({ resourceMetadataUrl: url });
    expect(header).toBe('Bearer resource_metadata="http://localhost/a\\"b\\\\c"');
    expect(parseChallenge(header).params.resource_metadata).toBe(url);
  });

  it("keeps error_description to the RFC 6750 §3 character set, replacing the rest", () => {
    const header = formatBearerChallenge({
      resourceMetadataUrl: RESOURCE_METADATA_URL,
      error: "invalid_token",
      errorDescription: 'bad "token" \\ café\r\nSet-Cookie: x=1',
    });
    const description = parseChallenge(header).params.error_description;
    expect(description).toBe("bad 'token' ? caf???Set-Cookie: x=1");
    expect(description).toMatch(/^[\x20-\x21\x23-\x5B\x5D-\x7E]*$/);
    expect(header).not.toMatch(/[\r\n]/);
  });

  it.each([
    [
      "a line break in resource_metadata (header injection)",
      { resourceMetadataUrl: "http://x/\r\nX-Evil: 1" },
    ],
    [
      "a control character in scope",
      { resourceMetadataUrl: RESOURCE_METADATA_URL, scope: "a\u0000b" },
    ],
  ])("refuses %s", (_, challenge) => {
    expect(() => formatBearerChallenge(challenge)).toThrow(TypeError);
  });

  it("is read correctly by the MCP SDK client's parser", () => {
    const missingToken = formatBearerChallenge({
      resourceMetadataUrl: RESOURCE_METADATA_URL,
      scope: "mcp:tools:sentiment:read",
    });
    expect(parseLikeMcpSdk(missingToken)).toEqual({
      resourceMetadataUrl: RESOURCE_METADATA_URL,
      scope: "mcp:tools:sentiment:read",
      error: undefined,
    });

    const stepUp = formatBearerChallenge({
      resourceMetadataUrl: RESOURCE_METADATA_URL,
      scope: "mcp:operations:automation:digest",
      error: "insufficient_scope",
      errorDescription:
        "access token lacks the scope this operation requires: mcp:operations:automation:digest",
    });
    expect(parseLikeMcpSdk(stepUp)).toEqual({
      resourceMetadataUrl: RESOURCE_METADATA_URL,
      scope: "mcp:operations:automation:digest",
      error: "insufficient_scope",
    });
  });

  it("is a well-formed RFC 9110 challenge", () => {
    const header = formatBearerChallenge({
      resourceMetadataUrl: RESOURCE_METADATA_URL,
      scope: "mcp:tools:climate",
      error: "invalid_token",
      errorDescription: "access token expired",
    });
    expect(parseChallenge(header)).toEqual({
      scheme: "Bearer",
      params: {
        resource_metadata: RESOURCE_METADATA_URL,
        scope: "mcp:tools:climate",
        error: "invalid_token",
        error_description: "access token expired",
      },
    });
  });
});
