import { describe, expect, it } from "vitest";
import {
  CACHE_LIFETIME_SECONDS,
  ClientMetadataDocumentError,
  cacheLifetimeSeconds,
  isClientMetadataDocumentId,
  validateClientIdUrl,
  validateClientMetadataDocument,
} from "./client-metadata-document";

const CLIENT_ID = "https://client.example.com/oauth/metadata.json";

const validDocument = (overrides: Record<string, unknown> = {}) => ({
  client_id: CLIENT_ID,
  client_name: "Example MCP Client",
  client_uri: "https://client.example.com",
  redirect_uris: ["http://127.0.0.1:3334/callback"],
  grant_types: ["authorization_code", "refresh_token"],
  response_types: ["code"],
  token_endpoint_auth_method: "none",
  ...overrides,
});

function problem(action: () => unknown): ClientMetadataDocumentError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ClientMetadataDocumentError);
    return error as ClientMetadataDocumentError;
  }
  throw new Error("expected a ClientMetadataDocumentError");
}

describe("isClientMetadataDocumentId", () => {
  it("recognises URL client ids and not the random ids this server issues", () => {
    expect(isClientMetadataDocumentId(CLIENT_ID)).toBe(true);
    expect(isClientMetadataDocumentId("http://127.0.0.1:8080/client.json")).toBe(true);
    expect(isClientMetadataDocumentId("HTTPS://client.example.com/c")).toBe(true);
    expect(isClientMetadataDocumentId("demo-batch")).toBe(false);
    expect(isClientMetadataDocumentId("3q2-7wAAAAD-3q2-7wAAAA")).toBe(false);
  });
});

describe("validateClientIdUrl (draft §3)", () => {
  it.each([
    CLIENT_ID,
    "https://client.example.com:8443/client",
    "https://client.example.com/client?version=2",
    "https://[2001:db8::1]/client.json",
  ])("accepts %s", (clientId) => {
    expect(validateClientIdUrl(clientId, { allowLoopbackHttp: false }).href).toBe(clientId);
  });

  it("accepts http on a loopback host only in development mode", () => {
    const local = "http://127.0.0.1:4567/client.json";
    expect(validateClientIdUrl(local, { allowLoopbackHttp: true }).href).toBe(local);
    expect(
      validateClientIdUrl("http://localhost:4567/c", { allowLoopbackHttp: true }),
    ).toBeDefined();
    expect(problem(() => validateClientIdUrl(local, { allowLoopbackHttp: false })).message).toMatch(
      /https/,
    );
  });

  it.each([
    ["http://client.example.com/client.json", /https/],
    ["ftp://client.example.com/client.json", /https/],
    ["https://client.example.com/client.json#frag", /fragment/],
    ["https://client.example.com/client.json#", /fragment/],
    ["https://user:pass@client.example.com/client.json", /user name or password/],
    ["https://client.example.com/a/../client.json", /\. or \.\. path segments/],
    ["https://client.example.com/./client.json", /\. or \.\. path segments/],
    ["https://client.example.com/a/%2E%2e/client.json", /\. or \.\. path segments/],
    ["https://client.example.com", /must have a path/],
    ["https://client.example.com/", /must have a path/],
    ["https://client.example.com?x=1", /must have a path/],
    ["https://Client.Example.com/client.json", /canonical/],
    ["HTTPS://client.example.com/client.json", /canonical/],
    ["https://client.example.com:443/client.json", /canonical/],
    ["https://client.example.com/client json", /canonical/],
    [" https://client.example.com/client.json", /canonical/],
    ["https:\\\\client.example.com\\client.json", /canonical/],
    ["not a url", /not a valid URL/],
  ])("refuses %s", (clientId, reason) => {
    const error = problem(() => validateClientIdUrl(clientId, { allowLoopbackHttp: true }));
    expect(error.stage).toBe("client_id_url");
    expect(error.message).toMatch(reason);
  });

  it("refuses a client_id URL longer than 2000 characters", () => {
    const clientId = `https://client.example.com/${"a".repeat(2000)}`;
    expect(
      problem(() => validateClientIdUrl(clientId, { allowLoopbackHttp: false })).message,
    ).toMatch(/longer than 2000/);
  });
});

describe("validateClientMetadataDocument (draft §4.1)", () => {
  it("turns a valid document into a public client record", () => {
    expect(validateClientMetadataDocument(validDocument(), CLIENT_ID)).toEqual({
      clientId: CLIENT_ID,
      tokenEndpointAuthMethod: "none",
      applicationType: "native",
      redirectUris: ["http://127.0.0.1:3334/callback"],
      grantTypes: ["authorization_code", "refresh_token"],
      responseTypes: ["code"],
      clientName: "Example MCP Client",
      clientUri: "https://client.example.com",
      logoUri: null,
      tosUri: null,
      policyUri: null,
      contacts: null,
      softwareId: null,
      softwareVersion: null,
      scope: null,
    });
  });

  it("treats an absent token_endpoint_auth_method as none and infers a web client from https redirects", () => {
    const document = validDocument({
      token_endpoint_auth_method: undefined,
      redirect_uris: ["https://client.example.com/callback"],
    });
    expect(validateClientMetadataDocument(document, CLIENT_ID)).toMatchObject({
      tokenEndpointAuthMethod: "none",
      applicationType: "web",
    });
  });

  it("ignores members it does not know, as RFC 7591 §2 requires", () => {
    const document = validDocument({ software_statement: "eyJ...", jwks_uri: "https://x/jwks" });
    expect(validateClientMetadataDocument(document, CLIENT_ID).clientId).toBe(CLIENT_ID);
  });

  it.each([
    ["a document for another client", { client_id: "https://other.example.com/client.json" }],
    ["a trailing slash", { client_id: `${CLIENT_ID}/` }],
    ["different letter case", { client_id: CLIENT_ID.toUpperCase() }],
  ])("refuses a client_id that differs from the URL: %s", (_, overrides) => {
    const error = problem(() =>
      validateClientMetadataDocument(validDocument(overrides), CLIENT_ID),
    );
    expect(error.stage).toBe("document");
    expect(error.message).toMatch(/does not equal the URL/);
  });

  it.each([
    ["no client_id", { client_id: undefined }, /no client_id/],
    ["no redirect_uris", { redirect_uris: undefined }, /no redirect_uris/],
    ["empty redirect_uris", { redirect_uris: [] }, /redirect_uris/],
    ["a published client_secret", { client_secret: "s3cret" }, /client_secret/],
    ["client_secret_expires_at", { client_secret_expires_at: 0 }, /client_secret_expires_at/],
    ["client_secret_basic", { token_endpoint_auth_method: "client_secret_basic" }, /shared secret/],
    ["client_secret_post", { token_endpoint_auth_method: "client_secret_post" }, /shared secret/],
    ["client_secret_jwt", { token_endpoint_auth_method: "client_secret_jwt" }, /shared secret/],
    ["private_key_jwt", { token_endpoint_auth_method: "private_key_jwt" }, /must be "none"/],
    [
      "a private key in jwks",
      { jwks: { keys: [{ kty: "EC", crv: "P-256", x: "a", y: "b", d: "c" }] } },
      /private key/,
    ],
    ["a symmetric key in jwks", { jwks: { keys: [{ kty: "oct", k: "c2VjcmV0" }] } }, /private key/],
    ["the client_credentials grant", { grant_types: ["client_credentials"] }, /client_credentials/],
    ["an http redirect URI off loopback", { redirect_uris: ["http://evil.example/cb"] }, /https/],
    ["a redirect URI with a fragment", { redirect_uris: ["https://c.example/cb#x"] }, /fragment/],
    ["a javascript: client_uri", { client_uri: "javascript:alert(1)" }, /client_uri/],
    ["a control character in client_name", { client_name: "Bank\u0007" }, /client_name/],
  ])("refuses a document with %s", (_, overrides, reason) => {
    const error = problem(() =>
      validateClientMetadataDocument(validDocument(overrides), CLIENT_ID),
    );
    expect(error.stage).toBe("document");
    expect(error.message).toMatch(reason);
  });

  it.each([
    ["an array", []],
    ["a string", "client"],
    ["null", null],
  ])("refuses a document that is %s", (_, body) => {
    expect(problem(() => validateClientMetadataDocument(body, CLIENT_ID)).message).toMatch(
      /not a JSON object/,
    );
  });
});

describe("cacheLifetimeSeconds (RFC 9111 §4.2, bounded)", () => {
  const now = new Date("2026-01-01T12:00:00Z");
  const lifetime = (headers: Record<string, string>) =>
    cacheLifetimeSeconds(new Headers(headers), now);

  it("uses max-age, within the server's bounds", () => {
    expect(lifetime({ "Cache-Control": "public, max-age=600" })).toBe(600);
    expect(lifetime({ "Cache-Control": "max-age=5" })).toBe(CACHE_LIFETIME_SECONDS.min);
    expect(lifetime({ "Cache-Control": "max-age=31536000" })).toBe(CACHE_LIFETIME_SECONDS.max);
    expect(lifetime({ "Cache-Control": 'max-age="900"' })).toBe(900);
  });

  it("does not reuse a response that forbids it", () => {
    expect(lifetime({ "Cache-Control": "no-store" })).toBe(0);
    expect(lifetime({ "Cache-Control": "max-age=600, no-cache" })).toBe(0);
    expect(lifetime({ "Cache-Control": "NO-STORE" })).toBe(0);
    expect(lifetime({ "Cache-Control": "max-age=0" })).toBe(0);
  });

  it("treats unparseable freshness information as stale", () => {
    expect(lifetime({ "Cache-Control": "max-age=soon" })).toBe(0);
    expect(lifetime({ "Cache-Control": "max-age" })).toBe(0);
    expect(lifetime({ Expires: "0" })).toBe(0);
  });

  it("uses Expires relative to Date when there is no max-age", () => {
    expect(
      lifetime({ Expires: "Thu, 01 Jan 2026 13:00:00 GMT", Date: "Thu, 01 Jan 2026 12:30:00 GMT" }),
    ).toBe(1800);
    expect(lifetime({ Expires: "Thu, 01 Jan 2026 12:10:00 GMT" })).toBe(600);
    expect(lifetime({ Expires: "Thu, 01 Jan 2026 11:00:00 GMT" })).toBe(0);
    expect(
      lifetime({ "Cache-Control": "max-age=120", Expires: "Thu, 01 Jan 2026 13:00:00 GMT" }),
    ).toBe(120);
  });

  it("subtracts the Age a response already spent in caches", () => {
    expect(lifetime({ "Cache-Control": "max-age=600", Age: "100" })).toBe(500);
    expect(lifetime({ "Cache-Control": "max-age=600", Age: "600" })).toBe(0);
  });

  it("acts as a private cache: private is storable, s-maxage does not apply", () => {
    expect(lifetime({ "Cache-Control": "private, max-age=600" })).toBe(600);
    expect(lifetime({ "Cache-Control": "s-maxage=10, max-age=600" })).toBe(600);
  });

  it("falls back to a default without freshness information", () => {
    expect(lifetime({})).toBe(CACHE_LIFETIME_SECONDS.default);
    expect(lifetime({ "Cache-Control": "public" })).toBe(CACHE_LIFETIME_SECONDS.default);
  });
});
