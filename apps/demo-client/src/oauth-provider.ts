// The SDK's OAuthClientProvider for a person's client: a public native app (RFC 8252) with PKCE, its state in the token store.
import { randomBytes } from "node:crypto";
import type {
  OAuthClientProvider,
  OAuthDiscoveryState,
} from "@modelcontextprotocol/sdk/client/auth.js";
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from "@modelcontextprotocol/sdk/shared/auth.js";
import type { FetchLike } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { AuthorizationResponse, CallbackServer } from "./callback-server";
import type { TokenStore } from "./token-store";
import { shorten, type Trace } from "./trace";
import { type AuthorizeMode, sendToUserAgent } from "./user-agent";

export const CLIENT_NAME = "MCP OAuth demo client";

export interface DemoOAuthProviderOptions {
  store: TokenStore;
  callback: CallbackServer;
  trace: Trace;
  authorizeMode: AuthorizeMode;
  /** Used for the headless `fetch` mode's requests, so they appear in the trace. */
  fetchFn: FetchLike;
  /** An https URL serving this client's metadata document (CIMD), used when the AS supports it. */
  clientMetadataUrl?: string;
}

export class DemoOAuthProvider implements OAuthClientProvider {
  readonly clientMetadataUrl: string | undefined;
  readonly #options: DemoOAuthProviderOptions;
  #codeVerifier: string | undefined;
  #state: string | undefined;
  #discovery: OAuthDiscoveryState | undefined;
  #pending: Promise<AuthorizationResponse> | undefined;

  constructor(options: DemoOAuthProviderOptions) {
    this.#options = options;
    this.clientMetadataUrl = options.clientMetadataUrl;
  }

  get redirectUrl(): string {
    return this.#options.callback.redirectUri;
  }

  /**
   * RFC 7591 §2 metadata for Dynamic Client Registration. A public client: a secret shipped in a
   * program on someone's machine is no secret (RFC 8252 §8.4), so PKCE protects the code instead.
   */
  get clientMetadata(): OAuthClientMetadata {
    // `application_type` (OpenID DCR §2, asked of MCP clients by SEP-837) is missing from the SDK's
    // type, but the SDK sends the metadata as given: a native app, so loopback redirects are fine.
    const metadata: OAuthClientMetadata & { application_type: "native" } = {
      application_type: "native",
      client_name: CLIENT_NAME,
      redirect_uris: [this.redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
      software_id: "mcp-oauth-reference-demo-client",
      software_version: "0.1.0",
    };
    return metadata;
  }

  /** RFC 6749 §10.12: an unguessable value per request, checked when the browser comes back. */
  state(): string {
    this.#state = randomBytes(32).toString("base64url");
    return this.#state;
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.#options.store.client;
  }

  saveClientInformation(clientInformation: OAuthClientInformationMixed): void {
    const { store, trace } = this.#options;
    if (clientInformation.client_id === this.clientMetadataUrl) {
      trace.note(
        "Client ID Metadata Document: the client_id is the document's URL, no registration",
        [["client_id", clientInformation.client_id]],
      );
    }
    store.saveClient(clientInformation);
  }

  tokens(): OAuthTokens | undefined {
    return this.#options.store.tokens?.tokens;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.#options.store.saveTokens(tokens);
    this.#options.trace.note(`tokens saved to ${this.#options.store.path}`);
  }

  /**
   * Works around an MCP SDK 1.32.2 bug: on `403 insufficient_scope` its `auth()` sees a stored
   * refresh token and refreshes, which returns a token with the same scopes (a refresh may narrow
   * scopes, never widen them, OAuth 2.1 §4.3.1), so the retried call fails again. Without a refresh
   * token it starts a new authorization request for the challenge's scopes: the step-up we want.
   * The access token stays, so calls the old scopes allow keep working until then.
   */
  dropRefreshToken(): void {
    if (!this.#options.store.dropRefreshToken()) return;
    this.#options.trace.note(
      "dropped the refresh token, so the SDK asks for consent again (SDK 1.32.2 step-up bug)",
    );
  }

  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    const { callback, trace, authorizeMode, fetchFn } = this.#options;
    const state = this.#state ?? authorizationUrl.searchParams.get("state") ?? "";
    const metadata = this.#discovery?.authorizationServerMetadata;
    // Waiting starts before the user agent is sent off, so no answer can arrive unheard.
    this.#pending = callback.expect({
      state,
      issuer: metadata?.issuer,
      // The SDK keeps unknown metadata members; RFC 9207's flag is one of them.
      issRequired:
        (metadata as { authorization_response_iss_parameter_supported?: unknown } | undefined)
          ?.authorization_response_iss_parameter_supported === true,
    });
    // Nobody may be listening yet if the user agent fails; keep the rejection from going unhandled.
    this.#pending.catch(() => undefined);
    trace.enter("Authorization");
    const query = authorizationUrl.searchParams;
    trace.note("authorization request (OAuth 2.1 §4.1.1, PKCE S256, RFC 8707 resource)", [
      ["client_id", query.get("client_id") ?? ""],
      ["redirect_uri", query.get("redirect_uri") ?? ""],
      ["scope", query.get("scope") ?? "(none)"],
      ["resource", query.get("resource") ?? "(none)"],
      ["code_challenge", `${shorten(query.get("code_challenge") ?? "")} (S256)`],
      ["state", shorten(state)],
    ]);
    await sendToUserAgent(authorizeMode, authorizationUrl, callback.redirectUri, trace, fetchFn);
    if (authorizeMode !== "fetch")
      trace.note(`waiting for the browser at ${callback.redirectUri} …`);
  }

  /** The code from the callback of the authorization request just sent, once the person is done. */
  async authorizationCode(): Promise<string> {
    if (!this.#pending) throw new Error("no authorization request is waiting for its code");
    const pending = this.#pending;
    this.#pending = undefined;
    const response = await pending;
    const expectedIssuer = this.#discovery?.authorizationServerMetadata?.issuer;
    this.#options.trace.note("authorization response at the loopback redirect URI", [
      ["code", shorten(response.code)],
      ["state", "matches the request (RFC 6749 §10.12)"],
      [
        "iss",
        response.iss === undefined
          ? "(not sent)"
          : `${response.iss}${response.iss === expectedIssuer ? " — matches the issuer (RFC 9207)" : ""}`,
      ],
    ]);
    return response.code;
  }

  get awaitingAuthorization(): boolean {
    return this.#pending !== undefined;
  }

  saveCodeVerifier(codeVerifier: string): void {
    // In memory only: the whole flow runs in this one process.
    this.#codeVerifier = codeVerifier;
  }

  codeVerifier(): string {
    if (!this.#codeVerifier) throw new Error("no PKCE code verifier for this authorization");
    return this.#codeVerifier;
  }

  /**
   * Discovery results for this run only: the SDK then skips discovery when it redeems the code. A
   * new run discovers again, so every run shows the whole chain.
   */
  saveDiscoveryState(state: OAuthDiscoveryState): void {
    const metadata = state.authorizationServerMetadata;
    // RFC 8414 §3.3: the metadata must name the issuer it was fetched for. The SDK 1.32.2 does not
    // check; a document that names another issuer would steer the code and token elsewhere (mix-up).
    if (metadata && !sameIssuer(metadata.issuer, state.authorizationServerUrl)) {
      throw new IssuerMismatchError(
        `the authorization server metadata fetched for ${state.authorizationServerUrl} names the issuer ${metadata.issuer} (RFC 8414 §3.3): refusing to use it`,
      );
    }
    this.#discovery = state;
    if (
      this.clientMetadataUrl &&
      metadata &&
      metadata.client_id_metadata_document_supported !== true &&
      !this.#options.store.client
    ) {
      this.#options.trace.warn(
        "the authorization server does not advertise client_id_metadata_document_supported: registering with RFC 7591 instead of --cimd-url",
      );
    }
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    return this.#discovery;
  }

  /** The SDK asks for this when the server refuses what is stored (invalid_client, invalid_grant). */
  invalidateCredentials(scope: "all" | "client" | "tokens" | "verifier" | "discovery"): void {
    const { store, trace } = this.#options;
    if (scope === "all" || scope === "client") store.saveClient(undefined);
    if (scope === "all" || scope === "tokens") store.saveTokens(undefined);
    if (scope === "all" || scope === "verifier") this.#codeVerifier = undefined;
    if (scope === "all" || scope === "discovery") this.#discovery = undefined;
    trace.note(
      `the server refused what was stored; forgot the ${scope === "all" ? "registration and tokens" : scope}`,
    );
  }
}

export class IssuerMismatchError extends Error {}

/** Issuer identifiers compared as URLs, so `http://a` and `http://a/` are one issuer, `http://b` another. */
export function sameIssuer(a: string, b: string): boolean {
  if (!URL.canParse(a) || !URL.canParse(b)) return a === b;
  const normalise = (value: string) => new URL(value).href.replace(/\/$/, "");
  return normalise(a) === normalise(b);
}
