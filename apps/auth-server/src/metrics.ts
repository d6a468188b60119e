// What the authorization server counts besides the HTTP metrics every server has (docs/observability.md).
import { ServerMetrics } from "@repo/server-kit/metrics";

export class AuthServerMetrics extends ServerMetrics {
  /** Access tokens handed out by /token, by grant type (one of GRANT_HANDLERS, so a bounded label). */
  readonly tokensIssued = this.counter({
    name: "oauth_tokens_issued_total",
    help: "Access tokens issued at the token endpoint, by grant type.",
    labelNames: ["grant_type"],
  });
}
