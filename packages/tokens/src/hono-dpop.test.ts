// RFC 9449 §7 at the HTTP layer: requireBearer with DPoP on, over real HTTP on loopback.
import type { ServerType } from "@hono/node-server";
import { Hono } from "hono";
import { SignJWT } from "jose";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type DpopClientKey, dpopClientKey } from "../test/dpop-client-key";
import {
  AUDIENCE,
  claimsAt,
  createTestKey,
  ISSUER,
  RESOURCE_METADATA_URL,
  serveOnLoopback,
  signWith,
  type TestKey,
} from "../test/fixtures";
import { accessTokenHash, type DpopReplayCache, memoryReplayCache } from "./dpop";
import { type BearerVariables, type RequireBearerOptions, requireBearer } from "./hono";
import { createLocalKeySet } from "./jwks";
import { toJwks } from "./keys";

const SENTIMENT = "mcp:tools:sentiment:read";

let issuerKey: TestKey;
let client: DpopClientKey;
let thief: DpopClientKey;
const servers: ServerType[] = [];

beforeAll(async () => {
  [issuerKey, client, thief] = await Promise.all([
    createTestKey(),
    dpopClientKey(),
    dpopClientKey(),
  ]);
});

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

async function serveProtected(
  dpop:
    | (Partial<NonNullable<RequireBearerOptions["dpop"]>> & { replayCache?: DpopReplayCache })
    | null = {},
) {
  const onDecision = vi.fn<NonNullable<RequireBearerOptions["onDecision"]>>();
  const app = new Hono<{ Variables: BearerVariables }>();
  app.use(
    "/mcp",
    requireBearer({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwks: createLocalKeySet(toJwks([issuerKey])),
      resourceMetadataUrl: RESOURCE_METADATA_URL,
      requiredScopes: [SENTIMENT],
      onDecision,
      // The proof names the public URL; the test server listens on another port.
      ...(dpop === null
        ? {}
        : { dpop: { replayCache: memoryReplayCache(), requestUrl: () => AUDIENCE, ...dpop } }),
    }),
  );
  app.all("/mcp", (c) => c.json({ sub: c.var.accessToken.sub }));
  const url = await serveOnLoopback(app, servers);
  return { url, onDecision };
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** An access token valid now; `jkt` binds it to a DPoP key. */
function accessToken({ jkt, scope = SENTIMENT }: { jkt?: string; scope?: string } = {}) {
  const iat = nowSeconds() - 5;
  return signWith(
    issuerKey,
    claimsAt({ iat, exp: iat + 300, scope, ...(jkt ? { cnf: { jkt } } : {}) }),
  );
}

function proof(
  token: string,
  {
    signer = client,
    htm = "POST",
    htu = AUDIENCE,
    iat = nowSeconds(),
  }: { signer?: DpopClientKey; htm?: string; htu?: string; iat?: number } = {},
): Promise<string> {
  return new SignJWT({ jti: crypto.randomUUID(), htm, htu, iat, ath: accessTokenHash(token) })
    .setProtectedHeader({ alg: "ES256", typ: "dpop+jwt", jwk: signer.publicJwk })
    .sign(signer.privateKey);
}

function call(url: string, headers: Record<string, string>): Promise<Response> {
  return fetch(url, { method: "POST", headers, body: "{}" });
}

function dpopHeaders(token: string, dpopProof: string): Record<string, string> {
  return { Authorization: `DPoP ${token}`, DPoP: dpopProof };
}

describe("requireBearer with DPoP", () => {
  it("lets a DPoP-bound token through with a proof by its key", async () => {
    const { url, onDecision } = await serveProtected();
    const token = await accessToken({ jkt: client.jkt });
    const response = await call(url, dpopHeaders(token, await proof(token)));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sub: "user-1" });
    expect(onDecision.mock.calls[0]?.[0]).toMatchObject({ outcome: "allowed", scheme: "DPoP" });
  });

  it("names DPoP and its algorithms beside Bearer when no token is sent", async () => {
    const { url } = await serveProtected();
    const response = await call(url, {});
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe(
      `Bearer resource_metadata="${RESOURCE_METADATA_URL}", scope="${SENTIMENT}", DPoP algs="ES256 RS256 PS256"`,
    );
  });

  it("keeps accepting bearer tokens that are not bound, unless DPoP is required", async () => {
    const { url } = await serveProtected();
    const token = await accessToken();
    expect((await call(url, { Authorization: `Bearer ${token}` })).status).toBe(200);

    const strict = await serveProtected({ required: true });
    const refused = await call(strict.url, { Authorization: `Bearer ${token}` });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toMatch(/^Bearer .*error="invalid_token"/);
    expect(((await refused.json()) as { error_description: string }).error_description).toMatch(
      /DPoP-bound access tokens only/,
    );
  });

  it("refuses a stolen DPoP-bound token sent as a bearer token (no key, no use)", async () => {
    const { url, onDecision } = await serveProtected();
    const token = await accessToken({ jkt: client.jkt });
    const response = await call(url, { Authorization: `Bearer ${token}` });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toBe("invalid_token");
    expect(onDecision.mock.calls[0]?.[0]).toMatchObject({ reason: "bound_token_as_bearer" });
  });

  it("refuses a stolen DPoP-bound token sent with the thief's own key", async () => {
    const { url, onDecision } = await serveProtected();
    const token = await accessToken({ jkt: client.jkt });
    const response = await call(url, dpopHeaders(token, await proof(token, { signer: thief })));
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(
      /DPoP algs="[^"]+", error="invalid_token"/,
    );
    expect(onDecision.mock.calls[0]?.[0]).toMatchObject({ reason: "wrong_key" });
  });

  it("refuses a DPoP-bound token sent with the DPoP scheme but no proof", async () => {
    const { url } = await serveProtected();
    const token = await accessToken({ jkt: client.jkt });
    const response = await call(url, { Authorization: `DPoP ${token}` });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: "invalid_dpop_proof",
      error_description: "the request carries no DPoP proof",
    });
    expect(response.headers.get("www-authenticate")).toMatch(
      /^Bearer resource_metadata="[^"]+", scope="[^"]+", DPoP algs="[^"]+", error="invalid_dpop_proof"/,
    );
  });

  it("refuses a replayed proof, with the replay cache the replicas share", async () => {
    const replayCache = memoryReplayCache();
    const first = await serveProtected({ replayCache });
    const second = await serveProtected({ replayCache });
    const token = await accessToken({ jkt: client.jkt });
    const captured = await proof(token);
    expect((await call(first.url, dpopHeaders(token, captured))).status).toBe(200);
    const replayed = await call(second.url, dpopHeaders(token, captured));
    expect(replayed.status).toBe(401);
    expect(((await replayed.json()) as { error: string }).error).toBe("invalid_dpop_proof");
    expect(second.onDecision.mock.calls[0]?.[0]).toMatchObject({ reason: "replayed" });
  });

  it("answers 503 with Retry-After when the replay cache does not answer, never letting the proof pass", async () => {
    const { url, onDecision } = await serveProtected({
      replayCache: { firstUse: () => Promise.reject(new Error("Redis is away")) },
    });
    const token = await accessToken({ jkt: client.jkt });
    const response = await call(url, dpopHeaders(token, await proof(token)));
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect(onDecision.mock.calls[0]?.[0]).toMatchObject({ outcome: "verification_unavailable" });
  });

  it("refuses a proof for another method or URL", async () => {
    const { url, onDecision } = await serveProtected();
    const token = await accessToken({ jkt: client.jkt });
    for (const [made, reason] of [
      [{ htm: "GET" }, "wrong_method"],
      [{ htu: "http://localhost:4100/admin/audit" }, "wrong_url"],
    ] as const) {
      const response = await call(url, dpopHeaders(token, await proof(token, made)));
      expect(response.status).toBe(401);
      expect(onDecision.mock.calls.at(-1)?.[0]).toMatchObject({ reason });
    }
  });

  it("refuses a proof made for another access token (wrong ath)", async () => {
    const { url, onDecision } = await serveProtected();
    const token = await accessToken({ jkt: client.jkt });
    const other = await accessToken({ jkt: client.jkt, scope: `${SENTIMENT} mcp:tools:climate` });
    const response = await call(url, dpopHeaders(token, await proof(other)));
    expect(response.status).toBe(401);
    expect(onDecision.mock.calls[0]?.[0]).toMatchObject({ reason: "wrong_token_hash" });
  });

  it("refuses an unbound token sent with the DPoP scheme: there is no key to hold the proof to", async () => {
    const { url, onDecision } = await serveProtected();
    const token = await accessToken();
    const response = await call(url, dpopHeaders(token, await proof(token)));
    expect(response.status).toBe(401);
    expect(onDecision.mock.calls[0]?.[0]).toMatchObject({ reason: "unbound_token_as_dpop" });
  });

  it("answers a DPoP request lacking a scope with 403 insufficient_scope in the DPoP challenge", async () => {
    const { url } = await serveProtected();
    const token = await accessToken({ jkt: client.jkt, scope: "mcp:tools:climate" });
    const response = await call(url, dpopHeaders(token, await proof(token)));
    expect(response.status).toBe(403);
    const challenge = response.headers.get("www-authenticate") ?? "";
    expect(challenge).toMatch(
      /^Bearer resource_metadata="[^"]+", scope="[^"]*mcp:tools:sentiment:read/,
    );
    expect(challenge).toMatch(/DPoP algs="[^"]+", error="insufficient_scope"/);
  });
});

describe("requireBearer without DPoP", () => {
  it("refuses a DPoP-bound token it cannot check, rather than taking it as a bearer token", async () => {
    const { url } = await serveProtected(null);
    const token = await accessToken({ jkt: client.jkt });
    const response = await call(url, { Authorization: `Bearer ${token}` });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).not.toMatch(/DPoP algs/);
  });
});
