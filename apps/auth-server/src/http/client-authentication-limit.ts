// RFC 6749 §10.10: client credentials must not be guessable by trying. Failed client authentication at
// /token, /revoke and /introspect is counted per client id and per address, and past the limit the
// server answers 429 without writing an audit row per attempt, so a loop can fill neither a guess
// list nor the disk.
import {
  type ClientRateLimitInfo,
  type HonoConfigType,
  MemoryStore,
  type Store,
} from "hono-rate-limiter";

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

export type MaybePromise<T> = T | Promise<T>;

/**
 * Continues at once when the store answered synchronously (MemoryStore), so that checking the count,
 * comparing the secret and counting the failure happen in one turn of the event loop and parallel
 * guesses cannot slip in between. A networked store (hono-rate-limiter's RedisStore) leaves a round
 * trip between them, through which at most the attempts in flight at that moment get past the limit.
 */
function settle<T, R>(
  value: MaybePromise<T>,
  next: (value: T) => MaybePromise<R>,
): MaybePromise<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}

function isLive(counted: ClientRateLimitInfo): boolean {
  return counted.resetTime === undefined || counted.resetTime.getTime() > Date.now();
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
    this.store = options.store ?? new MemoryStore();
    // A store reads only windowMs from the middleware options it is normally initialised with.
    this.store.init?.({ windowMs: options.windowSeconds * 1000 } as HonoConfigType);
  }

  /**
   * Refuses an address already over its limit, before its credentials are compared: the loop then
   * learns nothing, not even from the right secret. The refusal is counted too, which tells the first
   * refusal (audited once) from the rest.
   */
  refuseAddress(address: string | undefined): MaybePromise<Refusal | undefined> {
    if (address === undefined) return undefined;
    const key = addressKey(address);
    return settle(this.store.get?.(key), (current) => {
      if (!current || !isLive(current) || current.totalHits < this.options.limit) return undefined;
      return settle(this.store.increment(key), (counted) => this.refusal("address", counted));
    });
  }

  /**
   * Counts a failure under the address and the presented client id; a refusal when either is now
   * over its limit. Successes are never counted, so busy honest traffic from one address (a proxy, a
   * backend) is not slowed. A client id's count never stops its owner either: the right credentials
   * pass whatever others sent under its id, or anyone could lock a client out by failing on purpose.
   */
  recordFailure(
    clientId: string | undefined,
    address: string | undefined,
  ): MaybePromise<Refusal | undefined> {
    const byAddress = address === undefined ? undefined : this.store.increment(addressKey(address));
    return settle(byAddress, (addressCount) => {
      const byClientId =
        clientId === undefined ? undefined : this.store.increment(clientIdKey(clientId));
      return settle(byClientId, (clientIdCount) => {
        const refusals: Refusal[] = [];
        if (addressCount && addressCount.totalHits > this.options.limit) {
          refusals.push(this.refusal("address", addressCount));
        }
        if (clientIdCount && clientIdCount.totalHits > this.options.limit) {
          refusals.push(this.refusal("client_id", clientIdCount));
        }
        const [first] = refusals;
        if (!first) return undefined;
        return {
          limitedBy: first.limitedBy,
          retryAfter: Math.max(...refusals.map((refusal) => refusal.retryAfter)),
          first: refusals.some((refusal) => refusal.first),
        };
      });
    });
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
