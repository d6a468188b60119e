// Words for the API's codes, so the console never shows a raw enum where a sentence fits. One for each
// code @repo/contracts names: a code added there without words here fails to compile.
import type { RegistrationType, SigningKey } from "@repo/contracts/admin-api";

const REGISTRATION_TYPES: Record<RegistrationType, string> = {
  pre_registered: "Pre-registered",
  dynamic: "Dynamic registration (RFC 7591)",
  metadata_document: "Metadata document",
};

export function registrationTypeLabel(type: string): string {
  return Object.hasOwn(REGISTRATION_TYPES, type)
    ? REGISTRATION_TYPES[type as RegistrationType]
    : type;
}

export const REGISTRATION_TYPE_FILTERS = Object.entries(REGISTRATION_TYPES).map(
  ([value, label]) => ({
    value,
    label,
  }),
);

const KEY_STATUSES: Record<SigningKey["status"], string> = {
  active: "Active: signs new tokens",
  "retired-published": "Retired: still published in the JWKS",
  expired: "Expired: no longer published",
};

export function keyStatusLabel(status: SigningKey["status"]): string {
  return KEY_STATUSES[status];
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
