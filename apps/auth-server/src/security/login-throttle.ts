// Slows password guessing at the internal login endpoint: failures are counted per email and per
// browser address in a sliding window. Hand-written because the rate-limit middleware we use counts
// every request by a request-derived key, while this must count only failures, under two keys read
// from the JSON body, and forget an email's failures once its owner signs in.

export interface LoginThrottleOptions {
  /** Failures allowed per email inside the window. */
  perEmail: number;
  /** Failures allowed per browser address inside the window (slows spraying many emails). */
  perAddress: number;
  windowSeconds: number;
  /** Bound on remembered keys, so a flood of random emails cannot exhaust memory. */
  maxKeys?: number;
}

export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly maxKeys: number;

  constructor(private readonly options: LoginThrottleOptions) {
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  /** Seconds until another attempt is allowed, or 0 when it is allowed now. */
  retryAfterSeconds(email: string, address: string | undefined, now: Date): number {
    const keys: [string, number][] = [[`email:${email}`, this.options.perEmail]];
    if (address) keys.push([`address:${address}`, this.options.perAddress]);
    let wait = 0;
    for (const [key, limit] of keys) {
      const recent = this.recent(key, now);
      if (recent.length >= limit) {
        const oldest = recent[recent.length - limit] ?? now.getTime();
        wait = Math.max(
          wait,
          Math.ceil((oldest + this.options.windowSeconds * 1000 - now.getTime()) / 1000),
        );
      }
    }
    return wait;
  }

  /**
   * Counts an attempt as a failure before its password is checked. The check takes tens of
   * milliseconds of scrypt; counting only afterwards let a burst of parallel guesses all pass the
   * limit before the first of them was counted.
   */
  recordAttempt(email: string, address: string | undefined, now: Date): void {
    this.push(`email:${email}`, now);
    if (address) this.push(`address:${address}`, now);
  }

  /** The attempt succeeded: forget the email's failures, and take back this attempt's address count. */
  recordSuccess(email: string, address: string | undefined): void {
    this.failures.delete(`email:${email}`);
    if (!address) return;
    const key = `address:${address}`;
    const list = this.failures.get(key);
    list?.pop();
    if (list?.length === 0) this.failures.delete(key);
  }

  private recent(key: string, now: Date): number[] {
    const since = now.getTime() - this.options.windowSeconds * 1000;
    const kept = (this.failures.get(key) ?? []).filter((time) => time > since);
    if (kept.length === 0) this.failures.delete(key);
    else this.failures.set(key, kept);
    return kept;
  }

  private push(key: string, now: Date): void {
    const list = this.recent(key, now);
    list.push(now.getTime());
    this.failures.delete(key);
    this.failures.set(key, list);
    if (this.failures.size <= this.maxKeys) return;
    // Expired windows go first, so a flood of random emails cannot push out a live counter while
    // stale ones remain; only then the least recently failed key (Maps iterate in insertion order).
    for (const stale of [...this.failures.keys()]) this.recent(stale, now);
    while (this.failures.size > this.maxKeys) {
      const oldest = this.failures.keys().next().value;
      if (oldest === undefined) break;
      this.failures.delete(oldest);
    }
  }
}
