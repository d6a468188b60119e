// The machine flow: Discovery → client credentials grant (OAuth 2.1 §4.2, client_secret_basic, RFC 8707 resource) → Access.
import { ClientCredentialsProvider } from "@modelcontextprotocol/sdk/client/auth-extensions.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { ClientCredentialsOptions } from "../cli";
import { CLIENT_INFO } from "../mcp-session";
import { tickerSentimentDetails, toolSummary } from "../tool-results";
import { type Trace, tracingFetch } from "../trace";

/**
 * The scope of the one tool this run calls. Without a `scope` an authorization server may grant
 * the client's registered default (ours does, RFC 6749 §3.3) or nothing at all (node-oidc-provider
 * does), and a token without the tool's scope is refused by the MCP server; so the client asks.
 */
export const MACHINE_FLOW_SCOPE = "mcp:tools:sentiment:read";

export async function runClientCredentialsFlow(
  options: ClientCredentialsOptions,
  trace: Trace,
): Promise<void> {
  trace.line(`MCP authorization demo: client credentials against ${options.serverUrl.href}`);
  trace.line(
    `Pre-registered confidential client ${options.clientId}; its secret is only ever sent to ${options.issuer}.`,
  );
  // `expectedIssuer` binds the secret to one authorization server: the MCP server's metadata names
  // the AS, and a server that named another one must not receive this client's credentials.
  const provider = new ClientCredentialsProvider({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    clientName: "MCP OAuth demo batch job",
    scope: MACHINE_FLOW_SCOPE,
    expectedIssuer: options.issuer,
  });
  const transport = new StreamableHTTPClientTransport(options.serverUrl, {
    authProvider: provider,
    fetch: tracingFetch(trace, options.serverUrl),
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
