import type { FetchLike } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  calculateJwkThumbprint,
  decodeJwt,
  decodeProtectedHeader,
  generateKeyPair,
  importJWK,
  type JWK,
  jwtVerify,
  SignJWT,
} from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { accessTokenHash, DpopKey, dpopFetch } from "./dpop";
import { Trace } from "./trace";

const TOKEN_URL = "http://localhost:4000/token";
const MCP_URL = "http://localhost:4100/mcp";

let key: DpopKey;

beforeAll(async () => {
  key = await DpopKey.generate();
});

/** An RFC 9068-shaped access token bound to `jkt`; the client only decodes it. */
async function boundToken(jkt: string): Promise<string> {
  const { privateKey } = await generateKeyPair("ES256");
  return new SignJWT({ cnf: { jkt } }).setProtectedHeader({ alg: "ES256" }).sign(privateKey);
}

interface Sent {
  url: string;
  headers: Headers;
  body: string | undefined;
}

/** Records what reaches the network and answers with `answer(n)` for the n-th request. */
function recorder(answer: (index: number, sent: Sent) => Response | Promise<Response>) {
  const sent: Sent[] = [];
  const base: FetchLike = async (input, init) => {
    const request: Sent = {
      url: String(input),
      headers: new Headers(init?.headers),
      body: init?.body === undefined ? undefined : String(init.body),
    };
    sent.push(request);
    return answer(sent.length - 1, request);
  };
  return { sent, base };
}

function tokenRequest(fetchFn: FetchLike, form: Record<string, string>) {
  return fetchFn(TOKEN_URL, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
  });
}

describe("DpopKey", () => {
  it("signs a proof that verifies with the public key in its header, and no private member there", async () => {
    const proof = await key.proof({ htm: "POST", htu: `${MCP_URL}?x=1#frag`, accessToken: "tok" });
    const header = decodeProtectedHeader(proof);
    expect(header).toMatchObject({ typ: "dpop+jwt", alg: "ES256" });
    expect(Object.keys(header.jwk ?? {}).sort()).toEqual(["crv", "kty", "x", "y"]);
    expect(await calculateJwkThumbprint(header.jwk as JWK)).toBe(key.thumbprint);
    const { payload } = await jwtVerify(proof, await importJWK(header.jwk as JWK, "ES256"));
    // §4.2: htu without query and fragment; ath is the token's SHA-256, base64url.
    expect(payload).toMatchObject({ htm: "POST", htu: MCP_URL, ath: accessTokenHash("tok") });
    expect(accessTokenHash("tok")).toMatch(/^[\w-]{43}$/);
    expect(typeof payload.iat).toBe("number");
    expect(payload.nonce).toBeUndefined();
  });

  it("uses a new jti for every proof (a proof is single-use)", async () => {
    const first = decodeJwt(await key.proof({ htm: "GET", htu: MCP_URL }));
    const second = decodeJwt(await key.proof({ htm: "GET", htu: MCP_URL }));
    expect(first.jti).not.toBe(second.jti);
  });
});

describe("dpopFetch", () => {
  it("puts a proof on a token request, retries once with the server's nonce, and notes the binding", async () => {
    const token = await boundToken(key.thumbprint);
    const { sent, base } = recorder((index) =>
      index === 0
        ? Response.json(
            { error: "use_dpop_nonce" },
            { status: 400, headers: { "DPoP-Nonce": "n-1" } },
          )
        : Response.json({ access_token: token, token_type: "DPoP" }),
    );
    const lines: string[] = [];
    const fetchFn = dpopFetch(key, base, new Trace((line) => lines.push(line)));
    const response = await tokenRequest(fetchFn, { grant_type: "client_credentials" });
    expect(response.status).toBe(200);
    expect(sent).toHaveLength(2);
    expect(decodeJwt(sent[0]?.headers.get("dpop") ?? "").nonce).toBeUndefined();
    expect(decodeJwt(sent[1]?.headers.get("dpop") ?? "")).toMatchObject({
      htm: "POST",
      htu: TOKEN_URL,
      nonce: "n-1",
    });
    expect(lines.join("\n")).toContain("use_dpop_nonce, RFC 9449 §8");
    expect(lines.join("\n")).toContain(`cnf.jkt ${key.thumbprint} is this run's key`);
  });

  it("sends a DPoP-bound token with the DPoP scheme and a proof holding its hash", async () => {
    const token = await boundToken(key.thumbprint);
    const { sent, base } = recorder((index) =>
      index === 0
        ? Response.json({ access_token: token, token_type: "DPoP" })
        : new Response(null, { status: 202 }),
    );
    const fetchFn = dpopFetch(key, base, new Trace(() => undefined));
    await tokenRequest(fetchFn, { grant_type: "client_credentials" });
    await fetchFn(MCP_URL, { method: "POST", headers: { Authorization: `Bearer ${token}` } });
    const call = sent[1];
    expect(call?.headers.get("authorization")).toBe(`DPoP ${token}`);
    expect(decodeJwt(call?.headers.get("dpop") ?? "")).toMatchObject({
      htm: "POST",
      htu: MCP_URL,
      ath: accessTokenHash(token),
    });
  });

  it("leaves a token the server issued as a bearer token alone, and says the proof was ignored", async () => {
    const { sent, base } = recorder((index) =>
      index === 0
        ? Response.json({ access_token: "plain-token", token_type: "Bearer" })
        : new Response(null, { status: 202 }),
    );
    const lines: string[] = [];
    const fetchFn = dpopFetch(key, base, new Trace((line) => lines.push(line)));
    await tokenRequest(fetchFn, { grant_type: "client_credentials" });
    await fetchFn(MCP_URL, { method: "POST", headers: { Authorization: "Bearer plain-token" } });
    expect(sent[1]?.headers.get("authorization")).toBe("Bearer plain-token");
    expect(sent[1]?.headers.has("dpop")).toBe(false);
    expect(lines.join("\n")).toContain("the server ignored the proof");
  });

  it("warns when the token is bound to another key than this run's", async () => {
    const other = await DpopKey.generate();
    const { base } = recorder(async () =>
      Response.json({ access_token: await boundToken(other.thumbprint), token_type: "DPoP" }),
    );
    const lines: string[] = [];
    await tokenRequest(dpopFetch(key, base, new Trace((line) => lines.push(line))), {
      grant_type: "client_credentials",
    });
    expect(lines.join("\n")).toContain(`cnf.jkt is ${other.thumbprint}, not this run's key`);
  });

  it("answers a resource server's use_dpop_nonce challenge (§9) with a new proof", async () => {
    const token = await boundToken(key.thumbprint);
    const { sent, base } = recorder((index) => {
      if (index === 0) return Response.json({ access_token: token, token_type: "DPoP" });
      if (index === 1) {
        return new Response(null, {
          status: 401,
          headers: {
            "WWW-Authenticate": 'DPoP error="use_dpop_nonce", algs="ES256"',
            "DPoP-Nonce": "rs-nonce",
          },
        });
      }
      return new Response(null, { status: 202 });
    });
    const fetchFn = dpopFetch(key, base, new Trace(() => undefined));
    await tokenRequest(fetchFn, { grant_type: "client_credentials" });
    const response = await fetchFn(MCP_URL, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(202);
    expect(decodeJwt(sent[2]?.headers.get("dpop") ?? "").nonce).toBe("rs-nonce");
  });

  it("never resends a client assertion on the nonce retry: its jti would be a replay", async () => {
    const { sent, base } = recorder((index) =>
      index === 0
        ? Response.json(
            { error: "use_dpop_nonce" },
            { status: 400, headers: { "DPoP-Nonce": "n" } },
          )
        : Response.json({ access_token: "x", token_type: "DPoP" }),
    );
    const fetchFn = dpopFetch(key, base, new Trace(() => undefined), {
      renewClientAssertion: async (form) => form.set("client_assertion", "second-assertion"),
    });
    await tokenRequest(fetchFn, {
      grant_type: "client_credentials",
      client_assertion: "first-assertion",
    });
    expect(new URLSearchParams(sent[0]?.body).get("client_assertion")).toBe("first-assertion");
    expect(new URLSearchParams(sent[1]?.body).get("client_assertion")).toBe("second-assertion");
  });

  it("passes requests without a token request or bound token through untouched", async () => {
    const { sent, base } = recorder(() => Response.json({}));
    const fetchFn = dpopFetch(key, base, new Trace(() => undefined));
    await fetchFn("http://localhost:4000/.well-known/oauth-authorization-server");
    await fetchFn(MCP_URL, { method: "POST", headers: { Authorization: "Bearer someone-else" } });
    expect(sent.map((request) => request.headers.has("dpop"))).toEqual([false, false]);
    expect(sent[1]?.headers.get("authorization")).toBe("Bearer someone-else");
  });
});
