import { describe, expect, it } from "vitest";
import { FLASH_LIFETIME_SECONDS, openFlash, sealFlash } from "./flash";
import { deriveSessionKey } from "./session";

const key = deriveSessionKey("a-session-secret-of-at-least-32-characters");
const secret = {
  kind: "secret",
  clientId: "nightly",
  clientSecret: "s3cret",
  text: "Client created.",
} as const;

describe("one-time console messages", () => {
  it("opens what it sealed for the same person", async () => {
    expect(await openFlash(await sealFlash(secret, "u1", key), "u1", key)).toEqual(secret);
  });

  it("does not show one person's secret to another signed in on the same browser", async () => {
    expect(await openFlash(await sealFlash(secret, "u1", key), "u2", key)).toBeUndefined();
  });

  it("refuses a message sealed with another key, altered, or expired", async () => {
    const other = deriveSessionKey("another-session-secret-of-32-characters!");
    const sealed = await sealFlash(secret, "u1", key);
    expect(await openFlash(await sealFlash(secret, "u1", other), "u1", key)).toBeUndefined();
    expect(await openFlash(`${sealed.slice(0, -2)}AA`, "u1", key)).toBeUndefined();
    const later = new Date(Date.now() + (FLASH_LIFETIME_SECONDS + 5) * 1000);
    expect(await openFlash(sealed, "u1", key, later)).toBeUndefined();
  });

  it("ignores a missing cookie", async () => {
    expect(await openFlash(undefined, "u1", key)).toBeUndefined();
    expect(await openFlash("", "u1", key)).toBeUndefined();
  });
});
