// Slows password guessing at the internal login endpoint: failures are counted per email and per
// browser address, in rate-limiter-flexible counters (in memory, or in Redis under REDIS_URL so every
// instance counts together). A counter's window starts at its first attempt and its attempts are
// forgotten together when the window ends, so a throttled person is told the real wait (up to the
// whole window), and guesses cannot be doubled by straddling a boundary of windows fixed on the clock.
// The windows are the store's own (real time, one expiry per key in Redis), not the server's clock.
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
    // Each key's window starts at its first attempt and lasts windowSeconds (the store's expiry).
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
  async attempt(email: string, address: string | undefined): Promise<number> {
    const keys = this.keys(email, address);
    const counts = await this.guarded(
      Promise.all(keys.map(({ limiter, key }) => limiter.penalty(key, 1))),
    );
    const over = counts.filter(
      (counted, index) => counted.consumedPoints > (keys[index]?.limit ?? 0),
    );
    if (over.length === 0) return 0;
    await this.guarded(Promise.all(keys.map(({ limiter, key }) => limiter.reward(key, 1))));
    // Until the latest of the exceeded windows ends.
    const waitMs = Math.max(...over.map((counted) => counted.msBeforeNext));
    return Math.max(1, Math.ceil(waitMs / 1000));
  }

  /** The attempt succeeded: forget the email's failures, and take back this attempt's address count. */
  async succeeded(email: string, address: string | undefined): Promise<void> {
    const [byEmail, byAddress] = this.keys(email, address);
    await this.guarded(
      Promise.all([
        byEmail && this.byEmail.delete(byEmail.key),
        byAddress && this.byAddress.reward(byAddress.key, 1),
      ]),
    );
  }

  /** The counters of this attempt: its email's, and its address's when the web app sent one. */
  private keys(email: string, address: string | undefined): Counted[] {
    const counted: Counted[] = [
      { limiter: this.byEmail, key: email, limit: this.options.perEmail },
    ];
    if (address) {
      counted.push({
        limiter: this.byAddress,
        key: rateLimitKey(address),
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
