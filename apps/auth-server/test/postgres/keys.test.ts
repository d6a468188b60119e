// Signing keys across replicas: each keeps the key set in memory and reads it again every
// KEY_RELOAD_SECONDS, so a rotation on one replica reaches the other's JWKS, introspection and
// signing within that bound; two rotations at once leave exactly one active key.
import { decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { listSigningKeys } from "../../src/store/signing-keys";
import { admin } from "../support/admin";
import { introspect } from "../support/authorization";
import { json, requestClientCredentialsToken, type TestAuthServer } from "../support/test-server";
import { services, useDeployment } from "./replicas";

const KEY_RELOAD_SECONDS = 1;
/** The bound the test holds the replicas to: one reload interval, plus the time a reload takes. */
const BOUND_MS = KEY_RELOAD_SECONDS * 1000 + 1000;

async function publishedKids(replica: TestAuthServer): Promise<string[]> {
  const jwks = await json(fetch(replica.url("/.well-known/jwks.json")));
  return jwks.keys.map((key: { kid: string }) => key.kid);
}

async function signingKid(replica: TestAuthServer): Promise<string | undefined> {
  const token = (await json(requestClientCredentialsToken(replica))).access_token as string;
  return decodeProtectedHeader(token).kid;
}

describe.runIf(services)("signing keys on two replicas", () => {
  const deployment = useDeployment({ KEY_RELOAD_SECONDS: String(KEY_RELOAD_SECONDS) });

  it(`shows a key rotated on one replica in the other's JWKS within KEY_RELOAD_SECONDS (${KEY_RELOAD_SECONDS} s here), and signs with it there`, async () => {
    const [first, second] = deployment.replicas;
    const [previous] = await publishedKids(second);
    const rotated = await admin(first, "/keys/rotate", { method: "POST" });
    const rotatedAt = Date.now();
    expect(rotated.kid).not.toBe(previous);
    // The rotating replica signs with the new key at once.
    expect(await signingKid(first)).toBe(rotated.kid);
    const tokenFromFirst = (await json(requestClientCredentialsToken(first)))
      .access_token as string;

    await expect
      .poll(() => publishedKids(second), { timeout: BOUND_MS, interval: 50 })
      .toContain(rotated.kid);
    expect(Date.now() - rotatedAt).toBeLessThanOrEqual(BOUND_MS);
    // The retired key stays published beside it: tokens it signed still verify.
    expect(await publishedKids(second)).toContain(previous);
    expect(await signingKid(second)).toBe(rotated.kid);
    expect((await introspect(second, tokenFromFirst)).active).toBe(true);
  });

  it("keeps exactly one active key when both replicas rotate at the same moment", async () => {
    const [first, second] = deployment.replicas;
    const [a, b] = await Promise.all([
      first.instance.server.keys.rotate(),
      second.instance.server.keys.rotate(),
    ]);
    expect(a).not.toBe(b);
    const keys = await first.instance.server.store.run((x) => listSigningKeys(x));
    const active = keys.filter((key) => key.retiredAt === null);
    expect(active).toHaveLength(1);
    // Within one reload both replicas sign with that one key.
    for (const replica of deployment.replicas) {
      await expect
        .poll(() => signingKid(replica), { timeout: BOUND_MS, interval: 50 })
        .toBe(active[0]?.kid);
    }
  });
});
