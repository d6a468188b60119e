// A one-time message from a Server Action to the page its redirect leads to: a new client secret, or
// what an action did. Encrypted like the session (a secret must not sit readable in the cookie jar),
// bound to the person, and consumed by proxy.ts on the next full page load, so a reload does not show
// it again.
import { EncryptJWT, jwtDecrypt } from "jose";
import { z } from "zod";

/** Long enough for the redirect to arrive, short enough that a forgotten one is gone. */
export const FLASH_LIFETIME_SECONDS = 120;

/** The request header proxy.ts moves the cookie into; never trusted from the browser (it strips it). */
export const FLASH_HEADER = "x-console-flash";

const FlashSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("status"), text: z.string() }),
  z.object({ kind: z.literal("error"), text: z.string() }),
  z.object({
    kind: z.literal("secret"),
    clientId: z.string(),
    clientSecret: z.string(),
    text: z.string(),
  }),
]);

export type Flash = z.infer<typeof FlashSchema>;

export function flashCookieName(webUrl: string): string {
  return new URL(webUrl).protocol === "https:" ? "__Host-flash" : "flash";
}

export function flashCookieOptions(webUrl: string, maxAgeSeconds = FLASH_LIFETIME_SECONDS) {
  return {
    httpOnly: true,
    sameSite: "strict",
    secure: new URL(webUrl).protocol === "https:",
    path: "/",
    maxAge: maxAgeSeconds,
  } as const;
}

export async function sealFlash(
  flash: Flash,
  userId: string,
  key: Uint8Array,
  now: Date = new Date(),
): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new EncryptJWT({ flash })
    .setProtectedHeader({ alg: "dir", enc: "A256GCM", typ: "flash+jwt" })
    .setSubject(userId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + FLASH_LIFETIME_SECONDS)
    .encrypt(key);
}

/** The message, if it was sealed by this server for this person and has not expired. */
export async function openFlash(
  sealed: string | null | undefined,
  userId: string,
  key: Uint8Array,
  now: Date = new Date(),
): Promise<Flash | undefined> {
  if (!sealed) return undefined;
  try {
    const { payload } = await jwtDecrypt(sealed, key, {
      keyManagementAlgorithms: ["dir"],
      contentEncryptionAlgorithms: ["A256GCM"],
      typ: "flash+jwt",
      subject: userId,
      currentDate: now,
      requiredClaims: ["exp", "sub"],
    });
    const flash = FlashSchema.safeParse(payload.flash);
    return flash.success ? flash.data : undefined;
  } catch {
    return undefined;
  }
}
