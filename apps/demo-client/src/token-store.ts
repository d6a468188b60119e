// Where the client keeps its registration and tokens between runs: one JSON file, readable by its owner only.
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type {
  OAuthClientInformationMixed,
  OAuthTokens,
} from "@modelcontextprotocol/sdk/shared/auth.js";
import { z } from "zod";

export interface StoredTokens {
  /** Exactly what the SDK handed to `saveTokens`, `issuer` stamp included. */
  tokens: OAuthTokens;
  /** When the access token expires (ms since the epoch), from `expires_in` at the time it was saved. */
  expiresAt?: number;
}

export interface ClientState {
  /** The MCP server these belong to; another server's state is not reused. */
  serverUrl: string;
  client?: OAuthClientInformationMixed;
  tokens?: StoredTokens;
}

const StateFileSchema = z.object({
  version: z.literal(1),
  serverUrl: z.string(),
  client: z.looseObject({ client_id: z.string() }).optional(),
  tokens: z
    .object({
      tokens: z.looseObject({ access_token: z.string(), token_type: z.string() }),
      expiresAt: z.number().optional(),
    })
    .optional(),
});

export class StateFileError extends Error {}

export class TokenStore {
  readonly path: string;
  #state: ClientState;
  readonly #now: () => number;

  private constructor(path: string, state: ClientState, now: () => number) {
    this.path = path;
    this.#state = state;
    this.#now = now;
  }

  /**
   * Reads the state kept for `serverUrl` at `path`. A missing file is an empty state; state kept
   * for another MCP server is set aside (`discarded`) and replaced on the next save.
   */
  static open(
    path: string,
    serverUrl: string,
    { now = Date.now }: { now?: () => number } = {},
  ): { store: TokenStore; discarded?: string } {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        return { store: new TokenStore(path, { serverUrl }, now) };
      }
      throw new StateFileError(`cannot read the state file ${path}: ${(error as Error).message}`);
    }
    let parsed: z.infer<typeof StateFileSchema>;
    try {
      parsed = StateFileSchema.parse(JSON.parse(text));
    } catch {
      throw new StateFileError(
        `the state file ${path} is not one this client wrote; remove it or run with --reset`,
      );
    }
    if (parsed.serverUrl !== serverUrl) {
      return { store: new TokenStore(path, { serverUrl }, now), discarded: parsed.serverUrl };
    }
    return {
      store: new TokenStore(
        path,
        {
          serverUrl,
          client: parsed.client as OAuthClientInformationMixed | undefined,
          tokens: parsed.tokens as StoredTokens | undefined,
        },
        now,
      ),
    };
  }

  /** Forgets everything, file included (`--reset`). */
  static remove(path: string): void {
    rmSync(path, { force: true });
  }

  get client(): OAuthClientInformationMixed | undefined {
    return this.#state.client;
  }

  get tokens(): StoredTokens | undefined {
    return this.#state.tokens;
  }

  /** Whole seconds until the stored access token expires; negative once it has. */
  secondsLeft(): number | undefined {
    const expiresAt = this.#state.tokens?.expiresAt;
    return expiresAt === undefined ? undefined : Math.round((expiresAt - this.#now()) / 1000);
  }

  saveClient(client: OAuthClientInformationMixed | undefined): void {
    this.#state = { ...this.#state, client };
    this.#write();
  }

  saveTokens(tokens: OAuthTokens | undefined): void {
    const stored =
      tokens === undefined
        ? undefined
        : {
            tokens,
            ...(tokens.expires_in === undefined
              ? {}
              : { expiresAt: this.#now() + tokens.expires_in * 1000 }),
          };
    this.#state = { ...this.#state, tokens: stored };
    this.#write();
  }

  /** Removes the refresh token and keeps the rest; false when there was none. */
  dropRefreshToken(): boolean {
    const stored = this.#state.tokens;
    if (!stored?.tokens.refresh_token) return false;
    const { refresh_token: _dropped, ...tokens } = stored.tokens;
    this.#state = { ...this.#state, tokens: { ...stored, tokens } };
    this.#write();
    return true;
  }

  #write(): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.${process.pid}.tmp`;
    // Refresh tokens are credentials: the file is created owner-only (never world-readable, not
    // even for a moment), then renamed over the old one so a crash cannot leave half a file.
    writeFileSync(temporary, `${JSON.stringify({ version: 1, ...this.#state }, null, 2)}\n`, {
      mode: 0o600,
    });
    chmodSync(temporary, 0o600);
    renameSync(temporary, this.path);
  }
}
