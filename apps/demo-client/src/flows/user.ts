// The user flow: Discovery → Authorization (code + PKCE, a person consents) → Access, and the step-up on 403 insufficient_scope (RFC 6750 §3.1).
import { extractWWWAuthenticateParams } from "@modelcontextprotocol/sdk/client/auth.js";
import type { FetchLike } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { startCallbackServer } from "../callback-server";
import type { UserFlowOptions } from "../cli";
import { AuthorizedSession } from "../mcp-session";
import { DemoOAuthProvider } from "../oauth-provider";
import { TokenStore } from "../token-store";
import { tickerSentimentDetails, toolSummary } from "../tool-results";
import { shorten, type Trace, tracingFetch } from "../trace";

const WATCHLIST_WRITE = "mcp:data:watchlist:write";

export async function runUserFlow(options: UserFlowOptions, trace: Trace): Promise<void> {
  trace.line(`MCP authorization demo: user flow against ${options.serverUrl.href}`);
  if (options.reset) {
    TokenStore.remove(options.stateFile);
    trace.line(`--reset: forgot the registration and tokens in ${options.stateFile}`);
  }
  const { store, discarded } = TokenStore.open(options.stateFile, options.serverUrl.href);
  if (discarded) {
    trace.line(
      `${options.stateFile} holds state for ${discarded}; starting afresh for this server`,
    );
  }
  describeStoredState(store, trace);

  const callback = await startCallbackServer();
  callback.onRefused = (reason) => trace.warn(`refused a request at the redirect URI: ${reason}`);
  const traced = tracingFetch(trace, options.serverUrl);
  const provider = new DemoOAuthProvider({
    store,
    callback,
    trace,
    authorizeMode: options.authorize,
    fetchFn: traced,
    ...(options.cimdUrl === undefined ? {} : { clientMetadataUrl: options.cimdUrl }),
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
  const session = new AuthorizedSession(options.serverUrl, provider, fetchFn);
  try {
    await session.connect();
    trace.enter("Access");
    const { tools } = await session.call((client) => client.listTools());
    trace.note(`${tools.length} tools: ${tools.map((tool) => tool.name).join(", ")}`);
    const sentiment = (await session.call((client) =>
      client.callTool({ name: "get_ticker_sentiment", arguments: { ticker: options.ticker } }),
    )) as CallToolResult;
    printResult("get_ticker_sentiment", sentiment, trace, tickerSentimentDetails(sentiment));
    if (options.stepUp) await stepUp(session, store, options.ticker, trace);
  } finally {
    await session.close();
    await callback.close();
  }
  trace.line();
  trace.line(
    `Done. Registration and tokens are kept in ${store.path}: run again to reuse them, --reset to start over.`,
  );
}

/**
 * The consent so far covers the read-only tools. Adding to the watchlist needs a write scope: the
 * server answers 403 insufficient_scope naming it, and the client asks the person again.
 */
async function stepUp(
  session: AuthorizedSession,
  store: TokenStore,
  ticker: string,
  trace: Trace,
): Promise<void> {
  trace.line();
  trace.line(`Step-up: watchlist_add needs ${WATCHLIST_WRITE}`);
  const granted = store.tokens?.tokens.scope?.split(" ") ?? [];
  if (granted.includes(WATCHLIST_WRITE)) {
    trace.note(
      `the stored token already holds ${WATCHLIST_WRITE}: no step-up needed (--reset to see it again)`,
    );
  }
  const added = (await session.call((client) =>
    client.callTool({ name: "watchlist_add", arguments: { ticker } }),
  )) as CallToolResult;
  printResult("watchlist_add", added, trace);
}

function printResult(
  tool: string,
  result: CallToolResult,
  trace: Trace,
  details: [string, string][] = [],
): void {
  trace.enter("Access");
  if (result.isError) {
    trace.warn(`${tool} failed: ${toolSummary(result)}`);
    return;
  }
  trace.note(`${tool}: ${toolSummary(result)}`, details);
}

function describeStoredState(store: TokenStore, trace: Trace): void {
  const client = store.client;
  const tokens = store.tokens;
  if (!client && !tokens) {
    trace.line(`No stored registration or tokens in ${store.path}: starting from nothing.`);
    return;
  }
  const parts = [`Stored in ${store.path}:`];
  if (client) parts.push(`client_id ${shorten(client.client_id, 12)}`);
  if (tokens) {
    parts.push(`access token ${shorten(tokens.tokens.access_token)}`);
    const left = store.secondsLeft();
    if (left !== undefined) {
      parts.push(
        left > 0
          ? `(expires in ${formatDuration(left)})`
          : `(expired ${formatDuration(-left)} ago)`,
      );
    }
    if (tokens.tokens.refresh_token) parts.push("and a refresh token");
  }
  trace.line(parts.join(" "));
  if (tokens && (store.secondsLeft() ?? 1) <= 0) {
    trace.line(
      "The server will refuse the expired token (401); the SDK then uses the refresh token (OAuth 2.1 §4.3).",
    );
  }
}

function formatDuration(seconds: number): string {
  return seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}
