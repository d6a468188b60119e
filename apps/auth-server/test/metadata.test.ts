// RFC 8414 metadata and the JWKS, read the way MCP clients read them.
import { OAuthMetadataSchema } from "@modelcontextprotocol/sdk/shared/auth.js";
import { scopesForAudience } from "@repo/scopes";
import { describe, expect, it } from "vitest";
import { createClientMetadataDocumentResolver } from "../src/oauth/client-metadata-document";
import { json, useTestAuthServer } from "./support/test-server";

const server = useTestAuthServer();

describe("authorization server metadata (RFC 8414)", () => {
  it("is served at /.well-known/oauth-authorization-server and parses with the MCP SDK's own schema", async () => {
    const response = await fetch(server.url("/.well-known/oauth-authorization-server"));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const parsed = OAuthMetadataSchema.safeParse(await json(response));
    expect(parsed.success).toBe(true);
  });

  it("names an issuer identical to the URL the metadata was fetched from (RFC 8414 §3.3)", async () => {
    const metadata = await json(fetch(server.url("/.well-known/oauth-authorization-server")));
    expect(metadata.issuer).toBe(server.issuer);
    for (const name of [
      "authorization_endpoint",
      "token_endpoint",
      "registration_endpoint",
      "revocation_endpoint",
      "introspection_endpoint",
      "jwks_uri",
    ]) {
      expect(metadata[name], name).toMatch(new RegExp(`^${server.issuer}/`));
    }
  });

  it("advertises PKCE S256 only, the code response type, iss in responses, and the client auth methods", async () => {
    const metadata = await json(fetch(server.url("/.well-known/oauth-authorization-server")));
    expect(metadata.code_challenge_methods_supported).toEqual(["S256"]);
    expect(metadata.response_types_supported).toEqual(["code"]);
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(["none", "client_secret_basic", "client_secret_post"]),
    );
    expect(metadata.grant_types_supported).toContain("client_credentials");
  });

  it("advertises client_id_metadata_document_supported exactly when it can fetch metadata documents (AS-5)", async () => {
    const context = server.instance.server;
    const configured = context.clientMetadataDocuments;
    const documents = createClientMetadataDocumentResolver({
      allowPrivateNetwork: false,
      clock: context.clock,
    });
    try {
      context.clientMetadataDocuments = documents;
      const metadata = await json(fetch(server.url("/.well-known/oauth-authorization-server")));
      expect(metadata.client_id_metadata_document_supported).toBe(true);
      expect(OAuthMetadataSchema.parse(metadata).client_id_metadata_document_supported).toBe(true);
      context.clientMetadataDocuments = undefined;
      const without = await json(fetch(server.url("/.well-known/oauth-authorization-server")));
      expect(without.client_id_metadata_document_supported).toBe(false);
    } finally {
      context.clientMetadataDocuments = configured;
      await documents.close();
    }
  });

  it("lists the MCP scopes and never offline_access (RS-6)", async () => {
    const metadata = await json(fetch(server.url("/.well-known/oauth-authorization-server")));
    expect(metadata.scopes_supported).toEqual(scopesForAudience("mcp"));
    expect(metadata.scopes_supported).not.toContain("offline_access");
    expect(metadata.scopes_supported.some((scope: string) => scope.startsWith("admin:"))).toBe(
      false,
    );
  });

  it("lets browser-based MCP clients read it cross-origin", async () => {
    const preflight = await fetch(server.url("/.well-known/oauth-authorization-server"), {
      method: "OPTIONS",
      headers: {
        Origin: "http://localhost:6274",
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "mcp-protocol-version",
      },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toContain(
      "mcp-protocol-version",
    );
  });

  it("answers unknown well-known paths with 404, never 5xx, so SDK discovery moves on", async () => {
    for (const path of [
      "/.well-known/openid-configuration",
      "/.well-known/oauth-authorization-server/extra",
      "/.well-known/oauth-protected-resource",
      "/.well-known/",
    ]) {
      const response = await fetch(server.url(path));
      expect(response.status, path).toBe(404);
      expect(await json(response)).toMatchObject({ error: "not_found" });
    }
  });

  it("answers a wrong method with 405 and an Allow header", async () => {
    const response = await fetch(server.url("/token"), { method: "GET" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
    expect(await json(response)).toMatchObject({ error: "method_not_allowed" });
  });
});

describe("JWKS", () => {
  it("publishes the ES256 signing key with its kid and no private members", async () => {
    const response = await fetch(server.url("/.well-known/jwks.json"));
    expect(response.status).toBe(200);
    const jwks = await json(response);
    expect(jwks.keys).toHaveLength(1);
    const [key] = jwks.keys;
    expect(key).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
    expect(key.kid).toBe(server.instance.server.keys.signingKey().kid);
    for (const privateMember of ["d", "p", "q", "dp", "dq", "qi", "k"]) {
      expect(key).not.toHaveProperty(privateMember);
    }
  });
});

describe("health", () => {
  it("reports ok", async () => {
    const response = await fetch(server.url("/health"));
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ status: "ok" });
  });
});
