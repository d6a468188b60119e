// RFC 9449 §8 server nonces for the token endpoint, kept apart from the proof checks (dpop.ts) so the
// server context can hold them without importing the endpoint's code.
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";

/** How long one nonce is current; a nonce is accepted for one to two of these (see DpopNonces). */
export const DPOP_NONCE_WINDOW_SECONDS = 300;

/**
 * §8 nonces without server state. A nonce is the HMAC of a time window's number under a key every
 * replica derives from KEY_ENCRYPTION_SECRET, so any replica can issue one and every other replica
 * accepts it, with nothing stored and nothing to share but the secret the replicas already share.
 * A nonce of the previous window is still accepted, so one fetched just before a window ends keeps
 * working for its retry; so is one of the next window, which a replica whose clock runs a little
 * ahead may already hand out. Written here because RFC 9449 leaves the nonce's form to the server,
 * and neither jose nor the OAuth libraries this project uses offer a stateless, multi-replica
 * scheme: the ones that implement §8 at all keep nonces in one process's memory.
 */
export class DpopNonces {
  private readonly key: Buffer;

  constructor(
    secret: string,
    private readonly clock: () => Date,
    private readonly windowSeconds = DPOP_NONCE_WINDOW_SECONDS,
  ) {
    this.key = Buffer.from(
      hkdfSync(
        "sha256",
        Buffer.from(secret, "utf8"),
        Buffer.from("mcp-oauth-reference/dpop-nonces", "utf8"),
        Buffer.from("HMAC-SHA256 DPoP nonce", "utf8"),
        32,
      ),
    );
  }

  /** The nonce to send now. */
  current(): string {
    return this.nonceOf(this.window());
  }

  accepts(nonce: string): boolean {
    const presented = Buffer.from(nonce, "utf8");
    const window = this.window();
    // Every candidate is compared, in constant time each, so timing tells nothing about which matched.
    let accepted = false;
    for (const candidate of [window - 1, window, window + 1]) {
      const expected = Buffer.from(this.nonceOf(candidate), "utf8");
      if (expected.length === presented.length && timingSafeEqual(expected, presented)) {
        accepted = true;
      }
    }
    return accepted;
  }

  private window(): number {
    return Math.floor(this.clock().getTime() / 1000 / this.windowSeconds);
  }

  private nonceOf(window: number): string {
    return createHmac("sha256", this.key).update(String(window)).digest("base64url");
  }
}
