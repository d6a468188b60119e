// RFC 6749 §10.10: client credentials must not be guessable by trying. Failed client authentication at
// /token, /revoke and /introspect is counted per client id and per address, and past the limit the
// server answers 429 without writing an audit row per attempt, so a loop can fill neither a guess
// list nor the disk.
import { type HonoConfigType, MemoryStore, type Store } from "hono-rate-limiter";

export interface ClientAuthenticationLimitOptions {
  /** Failures allowed per key inside one window. */
  limit: number;
  windowSeconds: number;
  /**
   * Where the counters live. hono-rate-limiter's MemoryStore by default (one process; a restart
   * forgets them); any of its stores fits, such as its RedisStore for several processes.
   */
  store?: Store;
}

export type LimitedBy = "address" | "client_id";

export interface Refusal {
  limitedBy: LimitedBy;
  /** Seconds until the key's window ends. */
  retryAfter: number;
  /** The first refusal of this key in its window: the one attempt worth an audit row. */
  first: boolean;
}

export class FailedClientAuthenticationLimit {
  private readonly store: Store;

  constructor(private readonly options: ClientAuthenticationLimitOptions) {
    if (options.store) {
      this.store = options.store;
    } else {
      const store = new MemoryStore();
      // MemoryStore reads only windowMs from the middleware options it is normally given.
      store.init({ windowMs: options.windowSeconds * 1000 } as HonoConfigType);
      this.store = store;
    }
  }

  /**
   * Counts an attempt from this address before its credentials are compared, and refuses it when
   * the address is over its limit: counting only after the comparison would let a burst of parallel
   * guesses all pass the check before the first of them was counted. A successful attempt is taken
   * back with `succeeded`, so only failures (and refusals) stay counted.
   */
  async beginAttempt(address: string | undefined): Promise<Refusal | undefined> {
    if (address === undefined) return undefined;
    const counted = await this.store.increment(addressKey(address));
    return counted.totalHits > this.options.limit ? this.refusal("address", counted) : undefined;
  }

  async succeeded(address: string | undefined): Promise<void> {
    if (address !== undefined) await this.store.decrement(addressKey(address));
  }

  /**
   * Counts a failure under the presented client id, after the comparison. A client id's count never
   * stops its owner: the right credentials pass whatever others sent under its id, or anyone could
   * lock a client out by failing on purpose (docs/authorization-server.md). Past the limit, failures
   * on the id are answered 429 and no longer audited one by one.
   */
  async failed(clientId: string | undefined): Promise<Refusal | undefined> {
    if (clientId === undefined) return undefined;
    const counted = await this.store.increment(clientIdKey(clientId));
    return counted.totalHits > this.options.limit ? this.refusal("client_id", counted) : undefined;
  }

  async close(): Promise<void> {
    await this.store.shutdown?.();
  }

  private refusal(limitedBy: LimitedBy, counted: { totalHits: number; resetTime?: Date }): Refusal {
    const retryAfter = counted.resetTime
      ? Math.max(1, Math.ceil((counted.resetTime.getTime() - Date.now()) / 1000))
      : this.options.windowSeconds;
    return { limitedBy, retryAfter, first: counted.totalHits === this.options.limit + 1 };
  }
}

function addressKey(address: string): string {
  return `client-authentication:address:${address}`;
}

/** Client ids may be long URLs (metadata documents); the audit log keeps 200 characters of them. */
function clientIdKey(clientId: string): string {
  return `client-authentication:client:${clientId.slice(0, 200)}`;
}
