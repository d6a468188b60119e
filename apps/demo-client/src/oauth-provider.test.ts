import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type CallbackServer, startCallbackServer } from "./callback-server";
import { DemoOAuthProvider, IssuerMismatchError, sameIssuer } from "./oauth-provider";
import { TokenStore } from "./token-store";
import { Trace } from "./trace";

const METADATA = {
  issuer: "http://localhost:4000",
  authorization_endpoint: "http://localhost:4000/authorize",
  token_endpoint: "http://localhost:4000/token",
  response_types_supported: ["code"],
};

describe("DemoOAuthProvider", () => {
  let directory: string;
  let callback: CallbackServer;
  let provider: DemoOAuthProvider;
  let store: TokenStore;
  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), "demo-client-provider-"));
    callback = await startCallbackServer();
    store = TokenStore.open(join(directory, "state.json"), "http://localhost:4100/mcp").store;
    provider = new DemoOAuthProvider({
      store,
      callback,
      trace: new Trace(() => undefined),
      authorizeMode: "print",
      fetchFn: fetch,
    });
  });
  afterEach(async () => {
    await callback.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it("registers as a public native client whose redirect URI is the loopback callback", () => {
    expect(provider.clientMetadata).toMatchObject({
      application_type: "native",
      token_endpoint_auth_method: "none",
      redirect_uris: [callback.redirectUri],
      grant_types: ["authorization_code", "refresh_token"],
    });
  });

  it("refuses metadata that names another issuer than the one it was fetched for (mix-up, RFC 8414 §3.3)", () => {
    expect(() =>
      provider.saveDiscoveryState({
        authorizationServerUrl: "http://localhost:4000",
        authorizationServerMetadata: { ...METADATA, issuer: "https://attacker.example" },
      }),
    ).toThrow(IssuerMismatchError);
    expect(provider.discoveryState()).toBeUndefined();
  });

  it("keeps the discovery of this run for the code exchange", () => {
    const state = {
      authorizationServerUrl: "http://localhost:4000/",
      authorizationServerMetadata: METADATA,
    };
    provider.saveDiscoveryState(state);
    expect(provider.discoveryState()).toBe(state);
  });

  it("a new state per authorization request, unguessable (RFC 6749 §10.12)", () => {
    const first = provider.state();
    expect(first).toMatch(/^[\w-]{43}$/);
    expect(provider.state()).not.toBe(first);
  });

  it("forgets only what the server refused", () => {
    store.saveClient({ client_id: "c" });
    store.saveTokens({ access_token: "a", token_type: "Bearer" });
    provider.invalidateCredentials("tokens");
    expect(store.tokens).toBeUndefined();
    expect(store.client).toEqual({ client_id: "c" });
    provider.invalidateCredentials("all");
    expect(store.client).toBeUndefined();
  });
});

describe("sameIssuer", () => {
  it("tolerates a trailing slash, nothing else", () => {
    expect(sameIssuer("http://localhost:4000", "http://localhost:4000/")).toBe(true);
    expect(sameIssuer("http://localhost:4000", "http://127.0.0.1:4000")).toBe(false);
    expect(sameIssuer("https://as.example/tenant", "https://as.example/other")).toBe(false);
  });
});
