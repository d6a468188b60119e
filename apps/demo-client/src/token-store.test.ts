import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StateFileError, TokenStore } from "./token-store";

const SERVER = "http://localhost:4100/mcp";
const CLIENT = { client_id: "client-1", issuer: "http://localhost:4000" };
const TOKENS = {
  access_token: "at-1",
  token_type: "Bearer",
  expires_in: 600,
  refresh_token: "rt-1",
  issuer: "http://localhost:4000",
};

describe("the token store", () => {
  let directory: string;
  let path: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), "demo-client-store-"));
    path = join(directory, "nested", "demo-client.json");
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it("starts empty when there is no file", () => {
    const { store, discarded } = TokenStore.open(path, SERVER);
    expect(store.client).toBeUndefined();
    expect(store.tokens).toBeUndefined();
    expect(discarded).toBeUndefined();
  });

  it("writes a file only its owner can read: a refresh token is a credential", () => {
    const { store } = TokenStore.open(path, SERVER);
    store.saveClient(CLIENT);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it("tightens a file that was readable by others when it writes it again", () => {
    TokenStore.open(path, SERVER).store.saveClient(CLIENT);
    writeFileSync(path, readFileSync(path), { mode: 0o644 });
    TokenStore.open(path, SERVER).store.saveTokens(TOKENS);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it("gives the next run the registration and tokens exactly as the SDK saved them", () => {
    let now = 1_000_000;
    const first = TokenStore.open(path, SERVER, { now: () => now }).store;
    first.saveClient(CLIENT);
    first.saveTokens(TOKENS);
    now += 60_000;
    const second = TokenStore.open(path, SERVER, { now: () => now }).store;
    expect(second.client).toEqual(CLIENT);
    expect(second.tokens?.tokens).toEqual(TOKENS);
    expect(second.secondsLeft()).toBe(540);
    now += 600_000;
    expect(second.secondsLeft()).toBe(-60);
  });

  it("does not reuse another MCP server's registration and tokens", () => {
    const store = TokenStore.open(path, SERVER).store;
    store.saveClient(CLIENT);
    store.saveTokens(TOKENS);
    const other = TokenStore.open(path, "https://other.example/mcp");
    expect(other.discarded).toBe(SERVER);
    expect(other.store.client).toBeUndefined();
    expect(other.store.tokens).toBeUndefined();
  });

  it("drops the refresh token and keeps the access token and its expiry", () => {
    const store = TokenStore.open(path, SERVER, { now: () => 0 }).store;
    store.saveTokens(TOKENS);
    expect(store.dropRefreshToken()).toBe(true);
    const reread = TokenStore.open(path, SERVER, { now: () => 0 }).store;
    expect(reread.tokens?.tokens.refresh_token).toBeUndefined();
    expect(reread.tokens?.tokens.access_token).toBe("at-1");
    expect(reread.secondsLeft()).toBe(600);
    expect(reread.dropRefreshToken()).toBe(false);
  });

  it("refuses a file it did not write, with a one-line reason", () => {
    TokenStore.open(path, SERVER).store.saveClient(CLIENT);
    writeFileSync(path, "{not json");
    expect(() => TokenStore.open(path, SERVER)).toThrow(StateFileError);
    expect(() => TokenStore.open(path, SERVER)).toThrow(/run with --reset/);
  });

  it("forgets everything on reset", () => {
    TokenStore.open(path, SERVER).store.saveTokens(TOKENS);
    TokenStore.remove(path);
    expect(TokenStore.open(path, SERVER).store.tokens).toBeUndefined();
  });
});
