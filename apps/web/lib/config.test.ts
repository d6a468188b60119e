import { describe, expect, it } from "vitest";
import { DEVELOPMENT_SECRETS, loadWebConfig, WEB_ENVIRONMENT_KEYS, WebConfigError } from "./config";

const deployed = {
  NODE_ENV: "production",
  WEB_URL: "https://account.example",
  ISSUER: "https://auth.example",
  WEB_CLIENT_SECRET: "a-real-secret-from-the-deployment-0123456789",
  SESSION_SECRET: "a-real-session-secret-from-the-deployment-0123",
};

describe("web configuration", () => {
  it("has development defaults matching the README and docs/internal-api.md", () => {
    const config = loadWebConfig({});
    expect(config).toMatchObject({
      webUrl: "http://localhost:3000",
      issuer: "http://localhost:4000",
      authInternalUrl: "http://localhost:4000",
      internalApiResource: "http://localhost:4000/internal",
      webClient: { clientId: "web", clientSecret: "web-client-secret" },
      trustProxy: { kind: "none" },
    });
  });

  it("reaches the auth-server at AUTH_INTERNAL_URL but names the resource after the public issuer", () => {
    const config = loadWebConfig({
      ISSUER: "http://localhost:4000",
      AUTH_INTERNAL_URL: "http://auth-server:4000",
    });
    expect(config.authInternalUrl).toBe("http://auth-server:4000");
    expect(config.internalApiResource).toBe("http://localhost:4000/internal");
  });

  it("reaches the MCP server's audit log at MCP_INTERNAL_URL, with MCP_RESOURCE as the token audience", () => {
    expect(loadWebConfig({})).toMatchObject({
      mcpResource: "http://localhost:4100/mcp",
      mcpInternalUrl: "http://localhost:4100",
    });
    const config = loadWebConfig({
      ...deployed,
      MCP_RESOURCE: "https://mcp.example/mcp",
      MCP_INTERNAL_URL: "http://mcp-server:4100",
    });
    expect(config.mcpResource).toBe("https://mcp.example/mcp");
    expect(config.mcpInternalUrl).toBe("http://mcp-server:4100");
  });

  it("treats an empty variable as unset", () => {
    expect(loadWebConfig({ AUTH_INTERNAL_URL: "", WEB_URL: "" }).webUrl).toBe(
      "http://localhost:3000",
    );
  });

  it("refuses a short session secret and malformed URLs, naming each variable", () => {
    expect(() =>
      loadWebConfig({ SESSION_SECRET: "short", ISSUER: "localhost:4000", WEB_URL: "http://x/" }),
    ).toThrowError(
      expect.objectContaining({
        problems: [
          expect.stringMatching(/^WEB_URL:/),
          expect.stringMatching(/^ISSUER:/),
          expect.stringMatching(/^SESSION_SECRET:/),
        ],
      }),
    );
  });

  it("reads its URLs by the servers' rules: an issuer not in canonical form is refused", () => {
    expect(() => loadWebConfig({ ISSUER: "http://LOCALHOST:4000" })).toThrowError(
      /ISSUER: must be in canonical form/,
    );
    expect(() => loadWebConfig({ MCP_RESOURCE: "https://mcp.example:443/mcp" })).toThrowError(
      /MCP_RESOURCE: must be in canonical form/,
    );
  });

  it("refuses the published development secrets on a deployment reachable by others", () => {
    for (const variable of Object.keys(DEVELOPMENT_SECRETS)) {
      const environment = { ...deployed, [variable]: undefined };
      expect(() => loadWebConfig(environment)).toThrowError(WebConfigError);
      expect(() => loadWebConfig(environment)).toThrowError(new RegExp(variable));
    }
    expect(() => loadWebConfig({ ...deployed, WEB_URL: "http://account.example" })).toThrowError(
      /WEB_URL: must use https/,
    );
    expect(loadWebConfig(deployed).mode).toBe("production");
  });

  it.each([
    ["WEB_URL", "https://account.example"],
    ["ISSUER", "https://auth.example"],
    ["MCP_RESOURCE", "https://mcp.example/mcp"],
  ])(
    "refuses the published web client and session secrets while %s is public, even with NODE_ENV=development",
    (variable, url) => {
      const environment = { NODE_ENV: "development", [variable]: url };
      for (const secret of Object.keys(DEVELOPMENT_SECRETS)) {
        expect(() => loadWebConfig(environment)).toThrowError(
          new RegExp(`${secret}: .*refused while ${variable} is not a loopback URL`),
        );
      }
    },
  );

  it("lets `next start` on this computer run with the development defaults", () => {
    expect(loadWebConfig({ NODE_ENV: "production" }).sessionSecret).toBe(
      DEVELOPMENT_SECRETS.SESSION_SECRET,
    );
  });

  it("lists every variable it reads, for the docker-compose test", () => {
    expect(WEB_ENVIRONMENT_KEYS).toEqual([
      "NODE_ENV",
      "WEB_URL",
      "ISSUER",
      "AUTH_INTERNAL_URL",
      "MCP_RESOURCE",
      "MCP_INTERNAL_URL",
      "WEB_CLIENT_ID",
      "WEB_CLIENT_SECRET",
      "SESSION_SECRET",
      "TRUST_PROXY",
    ]);
  });
});
