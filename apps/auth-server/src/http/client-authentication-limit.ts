// RFC 6749 §10.10: client credentials must not be guessable by trying. Failed client authentication at
// /token, /revoke and /introspect is counted per client id and per address, and past the limit the
// server answers 429 without writing an audit row per attempt, so a loop can fill neither a guess
// list nor the disk.
import { rateLimitKey } from "@repo/server-kit/client-address";
import { limitUnavailable } from "@repo/server-kit/limits-redis";
import { type RateLimiterAbstract, RateLimiterRes } from "rate-limiter-flexible";
import { type LimitStores, SERVER_NAME } from "./limit-stores";

export interface ClientAuthenticationLimitOptions {
  /** Failures allowed per key inside one window. */
  limit: number;
  windowSeconds: number;
}

export type LimitedBy = "address" | "client_id";

export interface Refusal {
  limitedBy: LimitedBy;
  /** Seconds until the key's window ends. */
  retryAfter: number;
  /** The first refusal of this key in its window: the one attempt worth an audit row. */
  first: boolean;
}

/**
 * The counters are rate-limiter-flexible's (in memory, or in Redis under REDIS_URL). A count and the
 * check before it are apart by one store round trip, through which at most the attempts in flight at
 * that moment get past the limit; in memory that trip ends in the same turn of the event loop, so
 * parallel guesses cannot slip in between.
 */
export class FailedClientAuthenticationLimit {
  private readonly counter: RateLimiterAbstract;

  constructor(
    private readonly options: ClientAuthenticationLimitOptions,
    stores: Pick<LimitStores, "counter">,
  ) {
    this.counter = stores.counter(
      "failed-client-authentication",
      options.limit,
      options.windowSeconds,
    );
  }

  /**
   * Refuses an address already over its limit, before its credentials are compared: the loop then
   * learns nothing, not even from the right secret. The refusal is counted too, which tells the first
   * refusal (audited once) from the rest.
   */
  async refuseAddress(address: string | undefined): Promise<Refusal | undefined> {
    if (address === undefined) return undefined;
    const key = addressKey(address);
    const current = await this.guarded(this.counter.get(key));
    if (!current || current.msBeforeNext <= 0 || current.consumedPoints < this.options.limit) {
      return undefined;
    }
    return this.refusal("address", await this.count(key));
  }

  /**
   * Counts a failure under the address and the presented client id; a refusal when either is now
   * over its limit. Successes are never counted, so busy honest traffic from one address (a proxy, a
   * backend) is not slowed. A client id's count never stops its owner either: the right credentials
   * pass whatever others sent under its id, or anyone could lock a client out by failing on purpose.
   */
  async recordFailure(
    clientId: string | undefined,
    address: string | undefined,
  ): Promise<Refusal | undefined> {
    const [addressCount, clientIdCount] = await Promise.all([
      address === undefined ? undefined : this.count(addressKey(address)),
      clientId === undefined ? undefined : this.count(clientIdKey(clientId)),
    ]);
    const refusals: Refusal[] = [];
    if (addressCount && addressCount.consumedPoints > this.options.limit) {
      refusals.push(this.refusal("address", addressCount));
    }
    if (clientIdCount && clientIdCount.consumedPoints > this.options.limit) {
      refusals.push(this.refusal("client_id", clientIdCount));
    }
    const [first] = refusals;
    if (!first) return undefined;
    return {
      limitedBy: first.limitedBy,
      retryAfter: Math.max(...refusals.map((refusal) => refusal.retryAfter)),
      first: refusals.some((refusal) => refusal.first),
    };
  }

  /** One more under `key`; rate-limiter-flexible rejects with the count once it is over the limit. */
  private count(key: string): Promise<RateLimiterRes> {
    return this.guarded(
      this.counter.consume(key).catch((rejection: unknown) => {
        if (rejection instanceof RateLimiterRes) return rejection;
        throw rejection;
      }),
    );
  }

  /** A store that does not answer is a 503 (LimitUnavailableError), never an unlimited pass. */
  private guarded<T>(pending: Promise<T>): Promise<T> {
    return pending.catch((error: unknown) => {
      throw limitUnavailable(SERVER_NAME, "failed client authentication", error);
    });
  }

  private refusal(limitedBy: LimitedBy, counted: RateLimiterRes): Refusal {
    return {
      limitedBy,
      retryAfter: Math.max(1, Math.ceil(counted.msBeforeNext / 1000)),
      first: counted.consumedPoints === this.options.limit + 1,
    };
  }
}

function addressKey(address: string): string {
  return `address:${rateLimitKey(address)}`;
}

/** Client ids may be long URLs (metadata documents); the audit log keeps 200 characters of them. */
function clientIdKey(clientId: string): string {
  return `client:${clientId.slice(0, 200)}`;
}
