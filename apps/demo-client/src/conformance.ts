// Entry point for the MCP conformance suite's client runner: `<command> <server-url>`, scenario in MCP_CONFORMANCE_SCENARIO, data in MCP_CONFORMANCE_CONTEXT.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  discoverOAuthServerInfo,
  extractWWWAuthenticateParams,
} from "@modelcontextprotocol/sdk/client/auth.js";
import { ClientCredentialsProvider } from "@modelcontextprotocol/sdk/client/auth-extensions.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { FetchLike } from "@modelcontextprotocol/sdk/shared/transport.js";
import { startCallbackServer } from "./callback-server";
import { describeError } from "./errors";
import { AuthorizedSession, CLIENT_INFO } from "./mcp-session";
import { DemoOAuthProvider } from "./oauth-provider";
import { TokenStore } from "./token-store";
import { Trace, tracingFetch } from "./trace";

/**
 * The Client ID Metadata Document URL the suite's mock authorization servers expect. A person gives
 * the demo client theirs with `--cimd-url`; here it is the suite's. The SDK uses it only where the
 * server advertises `client_id_metadata_document_supported`, and registers (RFC 7591) elsewhere.
 */
const CONFORMANCE_CLIENT_METADATA_URL = "https://conformance-test.local/client-metadata.json";

interface ConformanceContext {
  client_id?: string;
  client_secret?: string;
}

/**
 * The mock servers approve without a person, so the authorization request is followed headlessly
 * (`--authorize=fetch`), with a throwaway state file. Each scenario's MCP server lists tools; the
 * client calls each one, which is where scope step-ups happen.
 */
async function runScenario(serverUrl: URL, scenario: string, context: ConformanceContext) {
  const trace = new Trace((line) => process.stdout.write(`${line}\n`));
  trace.line(`conformance scenario ${scenario} against ${serverUrl.href}`);
  if (scenario.startsWith("auth/client-credentials")) {
    await runClientCredentials(serverUrl, context, trace);
    return;
  }
  const directory = mkdtempSync(join(tmpdir(), "demo-client-conformance-"));
  const callback = await startCallbackServer();
  callback.onRefused = (reason) => trace.warn(`refused a request at the redirect URI: ${reason}`);
  try {
    const { store } = TokenStore.open(join(directory, "state.json"), serverUrl.href);
    if (context.client_id) {
      // Pre-registration: the scenario hands over the client the suite registered out of band.
      store.saveClient({
        client_id: context.client_id,
        ...(context.client_secret ? { client_secret: context.client_secret } : {}),
      });
    }
    const traced = tracingFetch(trace, serverUrl);
    const provider = new DemoOAuthProvider({
      store,
      callback,
      trace,
      authorizeMode: "fetch",
      fetchFn: traced,
      clientMetadataUrl: CONFORMANCE_CLIENT_METADATA_URL,
    });
    const fetchFn: FetchLike = async (input, init) => {
      const response = await traced(input, init);
      if (
        response.status === 403 &&
        extractWWWAuthenticateParams(response).error === "insufficient_scope"
      ) {
        provider.dropRefreshToken();
      }
      return response;
    };
    const session = new AuthorizedSession(serverUrl, provider, fetchFn);
    try {
      await session.connect();
      const { tools } = await session.call((client) => client.listTools());
      for (const tool of tools) {
        await session.call((client) => client.callTool({ name: tool.name, arguments: {} }));
      }
    } finally {
      await session.close();
    }
  } finally {
    await callback.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

async function runClientCredentials(serverUrl: URL, context: ConformanceContext, trace: Trace) {
  if (!context.client_id || !context.client_secret) {
    throw new Error("MCP_CONFORMANCE_CONTEXT has no client_id and client_secret");
  }
  const fetchFn = tracingFetch(trace, serverUrl);
  // The suite names no issuer: the one the MCP server's metadata names is the only one there is.
  const { authorizationServerUrl } = await discoverOAuthServerInfo(serverUrl, { fetchFn });
  const provider = new ClientCredentialsProvider({
    clientId: context.client_id,
    clientSecret: context.client_secret,
    expectedIssuer: authorizationServerUrl,
  });
  const client = new Client(CLIENT_INFO);
  await client.connect(
    new StreamableHTTPClientTransport(serverUrl, { authProvider: provider, fetch: fetchFn }),
  );
  try {
    const { tools } = await client.listTools();
    for (const tool of tools) await client.callTool({ name: tool.name, arguments: {} });
  } finally {
    await client.close();
  }
}

function parseContext(text: string | undefined): ConformanceContext {
  if (!text) return {};
  const value: unknown = JSON.parse(text);
  return typeof value === "object" && value !== null ? (value as ConformanceContext) : {};
}

async function main() {
  const [serverArgument] = process.argv.slice(2);
  if (!serverArgument || !URL.canParse(serverArgument)) {
    throw new Error("usage: conformance.ts <server-url> (with MCP_CONFORMANCE_SCENARIO set)");
  }
  await runScenario(
    new URL(serverArgument),
    process.env.MCP_CONFORMANCE_SCENARIO ?? "",
    parseContext(process.env.MCP_CONFORMANCE_CONTEXT),
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`demo-client (conformance): ${describeError(error)}\n`);
    process.exit(1);
  },
);
