// An MCP client session over Streamable HTTP whose calls finish an authorization the SDK had to start (MCP 2025-11-25, authorization).
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { FetchLike } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { DemoOAuthProvider } from "./oauth-provider";

export const CLIENT_INFO = { name: "mcp-oauth-demo-client", version: "0.1.0" };

/**
 * The SDK answers a 401 or 403 by running `auth()`. When that needs a person, it sends the browser
 * off and fails the call with `UnauthorizedError`; this class then waits for the code at the
 * redirect URI, has the SDK redeem it, and makes the call once more.
 */
export class AuthorizedSession {
  readonly #url: URL;
  readonly #provider: DemoOAuthProvider;
  readonly #fetchFn: FetchLike;
  #client: Client | undefined;
  #transport: StreamableHTTPClientTransport | undefined;

  constructor(url: URL, provider: DemoOAuthProvider, fetchFn: FetchLike) {
    this.#url = url;
    this.#provider = provider;
    this.#fetchFn = fetchFn;
  }

  async connect(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const transport = new StreamableHTTPClientTransport(this.#url, {
        authProvider: this.#provider,
        fetch: this.#fetchFn,
      });
      const client = new Client(CLIENT_INFO);
      try {
        await client.connect(transport);
        this.#client = client;
        this.#transport = transport;
        return;
      } catch (error) {
        // A failed connect closes the client; the transport can still redeem the code.
        if (attempt > 0 || !(await this.#finishAuthorization(error, transport))) throw error;
      }
    }
  }

  /** Runs one request; if it needed a new authorization, completes it and runs the request again. */
  async call<T>(request: (client: Client) => Promise<T>): Promise<T> {
    const client = this.#client;
    const transport = this.#transport;
    if (!client || !transport) throw new Error("not connected");
    try {
      return await request(client);
    } catch (error) {
      if (!(await this.#finishAuthorization(error, transport))) throw error;
      return await request(client);
    }
  }

  async close(): Promise<void> {
    await this.#client?.close();
  }

  async #finishAuthorization(
    error: unknown,
    transport: StreamableHTTPClientTransport,
  ): Promise<boolean> {
    if (!(error instanceof UnauthorizedError) || !this.#provider.awaitingAuthorization)
      return false;
    const code = await this.#provider.authorizationCode();
    await transport.finishAuth(code);
    return true;
  }
}
