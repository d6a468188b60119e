// The machine flow: Discovery → client credentials grant (OAuth 2.1 §4.2, RFC 8707 resource) → Access,
// the client authenticated by its secret (client_secret_basic) or a signed assertion (RFC 7523
// private_key_jwt), and with --dpop every token bound to a key pair made for the run (RFC 9449).

import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import {
  ClientCredentialsProvider,
  createPrivateKeyJwtAuth,
  PrivateKeyJwtProvider,
} from "@modelcontextprotocol/sdk/client/auth-extensions.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { ClientCredentialsOptions } from "../cli";
import { DPOP_ALGORITHM, DpopKey, dpopFetch } from "../dpop";
import { CLIENT_INFO } from "../mcp-session";
import { tickerSentimentDetails, toolSummary } from "../tool-results";
import { type Trace, tracingFetch } from "../trace";

/**
 * The scope of the one tool this run calls. Without a `scope` an authorization server may grant
 * the client's registered default (ours does, RFC 6749 §3.3) or nothing at all (node-oidc-provider
 * does), and a token without the tool's scope is refused by the MCP server; so the client asks.
 */
export const MACHINE_FLOW_SCOPE = "mcp:tools:sentiment:read";

/** demo-batch-jwt's key is EC P-256; an assertion lives a minute (the server allows up to five). */
const ASSERTION_ALGORITHM = "ES256";
const ASSERTION_LIFETIME_SECONDS = 60;

export async function runClientCredentialsFlow(
  options: ClientCredentialsOptions,
  trace: Trace,
): Promise<void> {
  trace.line(`MCP authorization demo: client credentials against ${options.serverUrl.href}`);
  const { authentication } = options;
  trace.line(
    authentication.method === "private_key_jwt"
      ? `Pre-registered client ${options.clientId} (private_key_jwt): it signs an assertion with its private key, which is never sent; assertions go only to ${options.issuer}.`
      : `Pre-registered confidential client ${options.clientId}; its secret is only ever sent to ${options.issuer}.`,
  );
  let fetchFn = tracingFetch(trace, options.serverUrl);
  if (options.dpop) {
    const key = await DpopKey.generate();
    trace.line(
      `DPoP: a new ${DPOP_ALGORITHM} key pair for this run (P-256; the private key never leaves this process), thumbprint (RFC 7638) ${key.thumbprint}.`,
    );
    fetchFn = dpopFetch(key, fetchFn, trace, {
      renewClientAssertion: async (form, url) => {
        if (authentication.method !== "private_key_jwt") return;
        // Signed as the SDK's provider signs it: same key, aud the issuer, a new jti.
        await createPrivateKeyJwtAuth({
          issuer: options.clientId,
          subject: options.clientId,
          privateKey: authentication.privateKey,
          alg: ASSERTION_ALGORITHM,
          audience: options.issuer,
          lifetimeSeconds: ASSERTION_LIFETIME_SECONDS,
        })(new Headers(), form, url);
      },
    });
  }
  const transport = new StreamableHTTPClientTransport(options.serverUrl, {
    authProvider: machineProvider(options),
    fetch: fetchFn,
  });
  const client = new Client(CLIENT_INFO);
  try {
    await client.connect(transport);
    trace.enter("Access");
    const result = (await client.callTool({
      name: "get_ticker_sentiment",
      arguments: { ticker: options.ticker },
    })) as CallToolResult;
    if (result.isError) {
      trace.warn(`get_ticker_sentiment failed: ${toolSummary(result)}`);
    } else {
      trace.note(`get_ticker_sentiment: ${toolSummary(result)}`, tickerSentimentDetails(result));
    }
  } finally {
    await client.close();
  }
  trace.line();
  trace.line(
    "Done. The token was kept in memory only: a machine client asks for a new one each run.",
  );
}

/**
 * The SDK's providers for the two ways a machine client authenticates. `expectedIssuer` binds the
 * credentials to one authorization server: the MCP server's metadata names the AS, and a server
 * that named another one must not receive this client's secret or assertions.
 */
function machineProvider(options: ClientCredentialsOptions): OAuthClientProvider {
  const common = {
    clientId: options.clientId,
    clientName: "MCP OAuth demo batch job",
    scope: MACHINE_FLOW_SCOPE,
    expectedIssuer: options.issuer,
  };
  if (options.authentication.method === "private_key_jwt") {
    // The SDK signs a new assertion for each token request, aud the issuer (RFC 7523 §3).
    return new PrivateKeyJwtProvider({
      ...common,
      privateKey: options.authentication.privateKey,
      algorithm: ASSERTION_ALGORITHM,
      jwtLifetimeSeconds: ASSERTION_LIFETIME_SECONDS,
    });
  }
  return new ClientCredentialsProvider({
    ...common,
    clientSecret: options.authentication.clientSecret,
  });
}
