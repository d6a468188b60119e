// Someone else's authorization server: node-oidc-provider, configured the way an operator would
// configure any OAuth 2.1 server to protect our MCP server, and nothing of ours. The MCP server is
// started against it with ISSUER and JWKS_URL pointing here, as a template user replacing our
// auth-server would (docs/foreign-authorization-server.md).
//
// What the MCP server needs from it: RFC 9068 JWT access tokens (typ at+jwt, ES256 in a JWKS) whose
// `aud` is the MCP server's canonical URL (RFC 8707 resource indicators) and whose `scope` claim
// carries the MCP scopes; RFC 8414 or OpenID discovery for the client; dynamic registration for a
// person's client and a pre-registered confidential client for the machine flow.
//
// Settings come from the environment: PORT (loopback), MCP_RESOURCE, MCP_SCOPES (space-separated),
// MACHINE_CLIENT_ID and MACHINE_CLIENT_SECRET.
import { exportJWK, generateKeyPair } from "jose";
import Provider, { type Configuration, errors } from "oidc-provider";

const port = Number(process.env.PORT);
const resource = process.env.MCP_RESOURCE ?? "";
const mcpScopes = process.env.MCP_SCOPES ?? "";
const machineClientId = process.env.MACHINE_CLIENT_ID ?? "";
const machineClientSecret = process.env.MACHINE_CLIENT_SECRET ?? "";
if (!Number.isInteger(port) || !URL.canParse(resource) || !mcpScopes || !machineClientSecret) {
  console.error("PORT, MCP_RESOURCE, MCP_SCOPES, MACHINE_CLIENT_ID and MACHINE_CLIENT_SECRET");
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;

const { privateKey } = await generateKeyPair("ES256", { extractable: true });
const signingKey = {
  ...(await exportJWK(privateKey)),
  kid: "foreign-es256",
  use: "sig",
  alg: "ES256",
};

const configuration: Configuration = {
  // The MCP scopes must be known here too: clients register with them (RFC 7591 `scope`).
  scopes: ["openid", "offline_access", ...mcpScopes.split(" ")],
  jwks: { keys: [signingKey] },
  clients: [
    {
      client_id: machineClientId,
      client_secret: machineClientSecret,
      grant_types: ["client_credentials"],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  // Its only key is ES256; OpenID's default for ID tokens would be RS256.
  clientDefaults: { id_token_signed_response_alg: "ES256" },
  features: {
    // Its own login and consent pages: any login name and password sign in, which is enough for a
    // test and says nothing about how the operator authenticates people.
    devInteractions: { enabled: true },
    registration: { enabled: true },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // A request without `resource` is for the MCP server: the only resource this server knows.
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, indicator) => {
        if (indicator !== resource) throw new errors.InvalidTarget();
        return {
          scope: mcpScopes,
          audience: resource,
          accessTokenFormat: "jwt",
          accessTokenTTL: 300,
          jwt: { sign: { alg: "ES256" } },
        };
      },
    },
  },
  // MCP clients do not ask for offline_access, and the MCP authorization spec expects a refresh
  // token for a person's client all the same.
  issueRefreshToken: (_ctx, client) => client.grantTypeAllowed("refresh_token"),
  pkce: { required: () => true },
  ttl: { AccessToken: 300, ClientCredentials: 300 },
  // Cookie signing keys of a throwaway test server.
  cookies: { keys: [crypto.randomUUID()] },
};

const provider = new Provider(issuer, configuration);
provider.listen(port, "127.0.0.1", () => {
  console.log(`node-oidc-provider: issuer ${issuer}`);
});
process.once("SIGTERM", () => process.exit(0));
