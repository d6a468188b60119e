import { describe, expect, it } from "vitest";
import { z } from "zod";
import { booleanFlag, ConfigError, canonicalUrl, parseEnvironment } from "./environment";

const Schema = z.object({
  URL: canonicalUrl().default("http://localhost:4000"),
  FLAG: booleanFlag.default(false),
  COUNT: z.coerce.number().int().optional(),
});

function problemsOf(environment: Record<string, string | undefined>): string[] {
  try {
    parseEnvironment(Schema, environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("canonicalUrl", () => {
  it.each([
    "http://localhost:4000",
    "https://auth.example.com",
    "https://mcp.example.com/mcp",
    "http://127.0.0.1:4100/tenants/a/mcp",
  ])("accepts %s", (url) => {
    expect(canonicalUrl().safeParse(url).success).toBe(true);
  });

  it.each([
    ["a trailing slash", "http://localhost:4000/", /must not end with a slash/],
    ["a trailing slash after a path", "https://mcp.example.com/mcp/", /must not end with a slash/],
    ["a query", "http://localhost:4000?x=1", /query or fragment/],
    ["an empty query", "http://localhost:4000/mcp?", /query or fragment/],
    ["a fragment", "http://localhost:4000/mcp#top", /query or fragment/],
    ["no scheme", "localhost:4000", /absolute URL|https/],
    ["another scheme", "ftp://files.example.com", /must use https/],
    ["credentials", "https://user:secret@auth.example.com", /credentials/],
    ["an uppercase host", "http://LOCALHOST:4000", /canonical form/],
    ["a default port", "https://auth.example.com:443", /canonical form/],
    ["a dot segment", "https://mcp.example.com/a/../mcp", /canonical form/],
  ])("refuses a URL with %s", (_, url, message) => {
    const result = canonicalUrl().safeParse(url);
    expect(result.success).toBe(false);
    expect(result.error?.issues.some((issue) => message.test(issue.message))).toBe(true);
  });

  it("names a host:port without a scheme once, for its scheme, not for every rule after it", () => {
    expect(canonicalUrl().safeParse("localhost:4000").error?.issues).toEqual([
      expect.objectContaining({ message: "must use https (or http on loopback)" }),
    ]);
  });
});

describe("booleanFlag", () => {
  it.each([
    ["true", true],
    ["1", true],
    ["false", false],
    ["0", false],
  ])("reads %s as %s", (value, expected) => {
    expect(booleanFlag.parse(value)).toBe(expected);
  });

  it("refuses anything else rather than guessing", () => {
    expect(booleanFlag.safeParse("yes").success).toBe(false);
  });
});

describe("parseEnvironment", () => {
  it("returns typed values with defaults applied", () => {
    expect(parseEnvironment(Schema, { FLAG: "1", COUNT: "3" })).toEqual({
      URL: "http://localhost:4000",
      FLAG: true,
      COUNT: 3,
    });
  });

  it("treats an empty variable as unset, so its default applies", () => {
    expect(parseEnvironment(Schema, { URL: "", FLAG: "", COUNT: undefined })).toEqual({
      URL: "http://localhost:4000",
      FLAG: false,
    });
  });

  it("names every bad variable in one ConfigError", () => {
    expect(problemsOf({ URL: "http://localhost:4000/", FLAG: "yes", COUNT: "1.5" })).toEqual([
      expect.stringMatching(/^URL: must not end with a slash$/),
      expect.stringMatching(/^FLAG: /),
      expect.stringMatching(/^COUNT: /),
    ]);
    expect(() => parseEnvironment(Schema, { FLAG: "yes" })).toThrowError(
      /Invalid configuration:\n {2}- FLAG: /,
    );
  });
});
