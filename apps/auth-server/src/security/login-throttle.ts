// Slows password guessing at the internal login endpoint: failures are counted per email and per
// browser address, in rate-limiter-flexible counters (in memory, or in Redis under REDIS_URL so every
// instance counts together). The windows are read off the server's clock, which tests move, and are
// fixed: a window's attempts are forgotten together when it ends.
import { rateLimitKey } from "@repo/server-kit/client-address";
import { limitUnavailable } from "@repo/server-kit/limits-redis";
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import { type LimitStores, SERVER_NAME } from "../http/limit-stores";

export interface LoginThrottleOptions {
  /** Failures allowed per email inside the window. */
  perEmail: number;
  /** Failures allowed per browser address inside the window (slows spraying many emails). */
  perAddress: number;
  windowSeconds: number;
}

interface Counted {
  limiter: RateLimiterAbstract;
  key: string;
  limit: number;
}

export class LoginThrottle {
  private readonly byEmail: RateLimiterAbstract;
  private readonly byAddress: RateLimiterAbstract;

  constructor(
    private readonly options: LoginThrottleOptions,
    stores: Pick<LimitStores, "counter">,
  ) {
    // A key lives one window at most: a counter's own expiry only has to outlast the window it is in.
    this.byEmail = stores.counter("login-email", options.perEmail, options.windowSeconds);
    this.byAddress = stores.counter("login-address", options.perAddress, options.windowSeconds);
  }

  /**
   * Counts an attempt before its password is checked, and answers the seconds to wait when it is over
   * a limit (0 when it may go on). The check takes tens of milliseconds of scrypt; counting only
   * afterwards let a burst of parallel guesses all pass the limit before the first of them was
   * counted. Each count is one atomic increment, in Redis too, so a burst gets exactly the limit's
   * worth through. A refused attempt is no guess: its counts are given back, so that someone retrying
   * a throttled email does not also use up their address's allowance.
   */
  async attempt(email: string, address: string | undefined, now: Date): Promise<number> {
    const keys = this.keys(email, address, now);
    const counts = await this.guarded(
      Promise.all(keys.map(({ limiter, key }) => limiter.penalty(key, 1))),
    );
    const over = counts.some(
      (counted, index) => counted.consumedPoints > (keys[index]?.limit ?? 0),
    );
    if (!over) return 0;
    await this.guarded(Promise.all(keys.map(({ limiter, key }) => limiter.reward(key, 1))));
    const windowMs = this.options.windowSeconds * 1000;
    const windowEnd = (Math.floor(now.getTime() / windowMs) + 1) * windowMs;
    return Math.max(1, Math.ceil((windowEnd - now.getTime()) / 1000));
  }

  /** The attempt succeeded: forget the email's failures, and take back this attempt's address count. */
  async succeeded(email: string, address: string | undefined, now: Date): Promise<void> {
    const [byEmail, byAddress] = this.keys(email, address, now);
    await this.guarded(
      Promise.all([
        byEmail && this.byEmail.delete(byEmail.key),
        byAddress && this.byAddress.reward(byAddress.key, 1),
      ]),
    );
  }

  /** The counters of this attempt: its email's, and its address's when the web app sent one. */
  private keys(email: string, address: string | undefined, now: Date): Counted[] {
    const window = Math.floor(now.getTime() / (this.options.windowSeconds * 1000));
    const counted: Counted[] = [
      { limiter: this.byEmail, key: `${window}:${email}`, limit: this.options.perEmail },
    ];
    if (address) {
      counted.push({
        limiter: this.byAddress,
        key: `${window}:${rateLimitKey(address)}`,
        limit: this.options.perAddress,
      });
    }
    return counted;
  }

  /** A store that does not answer is a 503 (LimitUnavailableError), never an unlimited pass. */
  private guarded<T>(pending: Promise<T>): Promise<T> {
    return pending.catch((error: unknown) => {
      throw limitUnavailable(SERVER_NAME, "login", error);
    });
  }
}
