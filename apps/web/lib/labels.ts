// Words for the API's codes, so the console never shows a raw enum where a sentence fits.

const REGISTRATION_TYPES: Record<string, string> = {
  pre_registered: "Pre-registered",
  dynamic: "Dynamic registration (RFC 7591)",
  metadata_document: "Metadata document",
};

export function registrationTypeLabel(type: string): string {
  return REGISTRATION_TYPES[type] ?? type;
}

export const REGISTRATION_TYPE_FILTERS = Object.entries(REGISTRATION_TYPES).map(
  ([value, label]) => ({
    value,
    label,
  }),
);

const KEY_STATUSES: Record<string, string> = {
  active: "Active: signs new tokens",
  "retired-published": "Retired: still published in the JWKS",
  expired: "Expired: no longer published",
};

export function keyStatusLabel(status: string): string {
  return KEY_STATUSES[status] ?? status;
}

/** "1 day", "3 hours", "5 minutes" for a key's age in seconds. */
export function durationLabel(seconds: number): string {
  const units: [number, string][] = [
    [86_400, "day"],
    [3_600, "hour"],
    [60, "minute"],
  ];
  for (const [size, unit] of units) {
    if (seconds >= size) {
      const count = Math.floor(seconds / size);
      return `${count} ${unit}${count === 1 ? "" : "s"}`;
    }
  }
  return "less than a minute";
}

/** The auth-server's event types (docs/internal-api.md) and the MCP server's one. */
export const AUDIT_EVENT_TYPES = [
  "user.login",
  "user.login_failed",
  "user.created",
  "user.disabled",
  "user.enabled",
  "user.password_reset",
  "user.admin_granted",
  "user.admin_revoked",
  "user.signed_out_everywhere",
  "user.session_refused",
  "user.seeded",
  "client.registered",
  "client.registration_rejected",
  "client.authentication_failed",
  "client.authentication_throttled",
  "client.created",
  "client.secret_rotated",
  "client.disabled",
  "client.enabled",
  "client.deleted",
  "client.seeded",
  "client.secret_changed",
  "authorization.requested",
  "authorization.rejected",
  "consent.granted",
  "consent.denied",
  "consent.revoked",
  "consent.refused",
  "code.issued",
  "code.replayed",
  "token.issued",
  "token.request_rejected",
  "token.revoked",
  "token.revocation_refused",
  "token.introspection_refused",
  "refresh_token.rotated",
  "refresh_token.reused",
  "refresh_token.retried",
  "grant.revoked",
  "signing_key.created",
  "signing_key.retired",
  "admin.refused",
  "maintenance.pruned",
  "tool.call",
] as const;
