// RFC 9449 §4.3 and §7.1 at a resource server, tested against the attacks each check stops.
import { base64url, type JWTPayload, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { type DpopClientKey, dpopClientKey } from "../test/dpop-client-key";
import {
  accessTokenHash,
  DPOP_PROOF_MAX_AGE_SECONDS,
  DpopProofError,
  type DpopProofErrorReason,
  memoryReplayCache,
  type VerifyDpopProofOptions,
  verifyDpopProof,
} from "./dpop";

const URL_OF_REQUEST = "https://mcp.example.com/mcp";
const ACCESS_TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl";
const NOW = new Date("2030-01-01T00:00:00Z");
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);

let key: DpopClientKey;
beforeAll(async () => {
  key = await dpopClientKey();
});

function claims(overrides: Record<string, unknown> = {}): JWTPayload {
  return {
    jti: crypto.randomUUID(),
    htm: "POST",
    htu: URL_OF_REQUEST,
    iat: NOW_SECONDS,
    ath: accessTokenHash(ACCESS_TOKEN),
    ...overrides,
  };
}

function proof(
  payload: JWTPayload = claims(),
  { signer = key, header = {} }: { signer?: DpopClientKey; header?: Record<string, unknown> } = {},
): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: "ES256", typ: "dpop+jwt", jwk: signer.publicJwk, ...header })
    .sign(signer.privateKey);
}

function options(overrides: Partial<VerifyDpopProofOptions> = {}): VerifyDpopProofOptions {
  return {
    method: "POST",
    url: URL_OF_REQUEST,
    accessToken: ACCESS_TOKEN,
    replayCache: memoryReplayCache(),
    now: NOW,
    ...overrides,
  };
}

async function expectRefused(
  value: string | undefined,
  reason: DpopProofErrorReason,
  overrides: Partial<VerifyDpopProofOptions> = {},
): Promise<void> {
  const error = await verifyDpopProof(value, options(overrides)).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DpopProofError);
  expect((error as DpopProofError).reason).toBe(reason);
}

describe("verifyDpopProof accepts", () => {
  it("a proof for this method, URL and token, and returns its key's RFC 7638 thumbprint", async () => {
    const verified = await verifyDpopProof(await proof(), options());
    expect(verified.jkt).toBe(key.jkt);
  });

  it("a proof whose htu differs only by the request's query and fragment (§4.3 item 9)", async () => {
    const verified = await verifyDpopProof(
      await proof(claims({ htu: `${URL_OF_REQUEST}#x` })),
      options({ url: `${URL_OF_REQUEST}?page=2` }),
    );
    expect(verified.jkt).toBe(key.jkt);
  });

  it("a proof a little older than a minute ago, within the clock tolerance", async () => {
    const iat = NOW_SECONDS - DPOP_PROOF_MAX_AGE_SECONDS - 4;
    await expect(verifyDpopProof(await proof(claims({ iat })), options())).resolves.toBeDefined();
  });
});

describe("verifyDpopProof refuses", () => {
  it("a request without a proof", async () => {
    await expectRefused(undefined, "missing");
  });

  it("two DPoP headers, which Node joins with a comma (§4.3 item 1)", async () => {
    await expectRefused(`${await proof()}, ${await proof()}`, "multiple");
  });

  it("a replayed proof: the same proof a second time, even on another replica's shared cache", async () => {
    const replayCache = memoryReplayCache();
    const captured = await proof();
    await verifyDpopProof(captured, options({ replayCache }));
    await expectRefused(captured, "replayed", { replayCache });
  });

  it("a proof made for another method (a GET proof replayed on a POST)", async () => {
    await expectRefused(await proof(claims({ htm: "GET" })), "wrong_method");
  });

  it("a proof made for another URL (a proof captured at another resource)", async () => {
    await expectRefused(await proof(claims({ htu: "https://other.example.com/mcp" })), "wrong_url");
  });

  it("a proof made for this resource's other path", async () => {
    await expectRefused(await proof(claims({ htu: "https://mcp.example.com/admin" })), "wrong_url");
  });

  it("a proof for another access token (wrong ath: a proof stolen with another token)", async () => {
    await expectRefused(
      await proof(claims({ ath: accessTokenHash("another-token") })),
      "wrong_token_hash",
    );
  });

  it("a proof without ath, which a resource server requires (§7.1)", async () => {
    await expectRefused(await proof(claims({ ath: undefined })), "invalid_claims");
  });

  it("an expired proof: older than the window a captured proof may be replayed in", async () => {
    const iat = NOW_SECONDS - DPOP_PROOF_MAX_AGE_SECONDS - 10;
    await expectRefused(await proof(claims({ iat })), "too_old");
  });

  it("a proof from the future, pre-made to outlive the window", async () => {
    await expectRefused(await proof(claims({ iat: NOW_SECONDS + 120 })), "issued_in_future");
  });

  it('a proof with alg "none"', async () => {
    const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
    const unsigned = `${encode({ alg: "none", typ: "dpop+jwt", jwk: key.publicJwk })}.${encode(claims())}.`;
    await expectRefused(unsigned, "unsupported_algorithm");
  });

  it("a proof signed with a symmetric alg (HS256 keyed with the public key)", async () => {
    const secret = new TextEncoder().encode(JSON.stringify(key.publicJwk));
    const forged = await new SignJWT(claims())
      .setProtectedHeader({ alg: "HS256", typ: "dpop+jwt", jwk: key.publicJwk })
      .sign(secret);
    await expectRefused(forged, "unsupported_algorithm");
  });

  it("a proof whose header carries the private key", async () => {
    const leaky = await proof(claims(), { header: { jwk: key.privateJwk } });
    await expectRefused(leaky, "private_key");
  });

  it("a proof signed by another key than the one in its header", async () => {
    const other = await dpopClientKey();
    const forged = await proof(claims(), { signer: other, header: { jwk: key.publicJwk } });
    await expectRefused(forged, "invalid_signature");
  });

  it("a JWT of another type (an access token passed off as a proof)", async () => {
    await expectRefused(await proof(claims(), { header: { typ: "at+jwt" } }), "wrong_type");
  });

  it("a value that is not a JWT", async () => {
    await expectRefused("not-a-jwt", "malformed");
  });
});

describe("verifyDpopProof at a token endpoint (no access token yet, §5)", () => {
  const tokenRequest = { accessToken: undefined };
  const nonceOf = (accepted: string) => ({
    ...tokenRequest,
    acceptsNonce: (nonce: string) => nonce === accepted,
  });

  it("accepts a proof without ath, since there is no access token to hash", async () => {
    const verified = await verifyDpopProof(
      await proof(claims({ ath: undefined })),
      options(tokenRequest),
    );
    expect(verified.jkt).toBe(key.jkt);
  });

  it("accepts a proof with the server's current nonce (§8)", async () => {
    const fresh = await proof(claims({ ath: undefined, nonce: "n-1" }));
    await expect(verifyDpopProof(fresh, options(nonceOf("n-1")))).resolves.toBeDefined();
  });

  it("refuses a proof without a nonce when the server requires one (a proof made in advance)", async () => {
    await expectRefused(await proof(claims({ ath: undefined })), "missing_nonce", nonceOf("n-1"));
  });

  it("refuses a proof with a nonce the server no longer accepts (a proof kept for later)", async () => {
    await expectRefused(
      await proof(claims({ ath: undefined, nonce: "n-0" })),
      "stale_nonce",
      nonceOf("n-1"),
    );
  });

  it("does not remember a proof refused for its nonce, so only checked proofs use up an id", async () => {
    const replayCache = memoryReplayCache();
    const payload = claims({ ath: undefined, nonce: "n-0" });
    await expectRefused(await proof(payload), "stale_nonce", { ...nonceOf("n-1"), replayCache });
    await expect(
      verifyDpopProof(await proof(payload), options({ ...nonceOf("n-0"), replayCache })),
    ).resolves.toBeDefined();
  });
});

describe("memoryReplayCache", () => {
  it("forgets an id once its time to live has passed", async () => {
    const cache = memoryReplayCache();
    expect(await cache.firstUse("a", 0)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await cache.firstUse("a", 60)).toBe(true);
    expect(await cache.firstUse("a", 60)).toBe(false);
  });

  it("holds at most maxEntries ids, dropping the oldest", async () => {
    const cache = memoryReplayCache(2);
    for (const id of ["a", "b", "c"]) expect(await cache.firstUse(id, 60)).toBe(true);
    expect(await cache.firstUse("c", 60)).toBe(false);
    expect(await cache.firstUse("a", 60)).toBe(true);
  });
});
