// DPoP (RFC 9449) for the machine flow: a key pair made for this run, a proof on every token request
// and on every MCP request that carries a DPoP-bound token, and the server's nonce when it asks (§8).
//
// The MCP SDK v1 this client is built on has no DPoP, and the SDK v2 client that has it would bring a
// second Client and transport into this one scene. The proofs are signed here instead, with jose, in
// a fetch layer around the tracing fetch: every request the trace prints is the request that was
// sent, the nonce retry is an exchange of its own, and what a proof says is plain to read below.
import { createHash, randomUUID } from "node:crypto";
import type { FetchLike } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  type CryptoKey,
  calculateJwkThumbprint,
  decodeJwt,
  exportJWK,
  generateKeyPair,
  type JWK,
  SignJWT,
} from "jose";
import type { Trace } from "./trace";

/** ES256: the algorithm every DPoP server must support in practice (ours lists ES256, RS256, PS256). */
export const DPOP_ALGORITHM = "ES256";

export interface ProofInput {
  htm: string;
  /** The target URI; its query and fragment are left out (§4.2). */
  htu: string | URL;
  nonce?: string | undefined;
  /** The access token the proof goes with, hashed into `ath` (§4.2, §7). */
  accessToken?: string | undefined;
}

/** base64url(SHA-256(access token)): the `ath` claim (§4.2). */
export function accessTokenHash(accessToken: string): string {
  return createHash("sha256").update(accessToken).digest("base64url");
}

export class DpopKey {
  readonly #privateKey: CryptoKey;
  /** The public key, as every proof's header carries it. */
  readonly publicJwk: JWK;
  /** Its RFC 7638 thumbprint: what a bound token's `cnf.jkt` names (§6.1). */
  readonly thumbprint: string;

  private constructor(privateKey: CryptoKey, publicJwk: JWK, thumbprint: string) {
    this.#privateKey = privateKey;
    this.publicJwk = publicJwk;
    this.thumbprint = thumbprint;
  }

  /** A fresh P-256 key pair; the private half cannot be exported, and lives as long as the run. */
  static async generate(): Promise<DpopKey> {
    const { privateKey, publicKey } = await generateKeyPair(DPOP_ALGORITHM);
    const { kty, crv, x, y } = await exportJWK(publicKey);
    const publicJwk = { kty, crv, x, y } as JWK;
    return new DpopKey(privateKey, publicJwk, await calculateJwkThumbprint(publicJwk));
  }

  /** A DPoP proof JWT (§4.2): typ dpop+jwt, the public key in the header, a new jti each time. */
  async proof({ htm, htu, nonce, accessToken }: ProofInput): Promise<string> {
    const target = new URL(htu);
    return new SignJWT({
      htm,
      htu: `${target.origin}${target.pathname}`,
      ...(nonce === undefined ? {} : { nonce }),
      ...(accessToken === undefined ? {} : { ath: accessTokenHash(accessToken) }),
    })
      .setProtectedHeader({ typ: "dpop+jwt", alg: DPOP_ALGORITHM, jwk: this.publicJwk })
      .setJti(randomUUID())
      .setIssuedAt()
      .sign(this.#privateKey);
  }
}

/** A token request is a form with a grant_type (RFC 6749 §4.4.2); its proof asks for a bound token. */
function isTokenRequest(method: string, headers: Headers, body: RequestInit["body"]): boolean {
  if (method !== "POST") return false;
  if (!(headers.get("content-type") ?? "").startsWith("application/x-www-form-urlencoded")) {
    return false;
  }
  const text = body instanceof URLSearchParams ? body.toString() : body;
  return typeof text === "string" && new URLSearchParams(text).has("grant_type");
}

/** §8 at the token endpoint (400 use_dpop_nonce) and §9 at a resource server (401, in the challenge). */
async function asksForNonce(response: Response): Promise<boolean> {
  if (response.status === 401) {
    return /error="use_dpop_nonce"/.test(response.headers.get("www-authenticate") ?? "");
  }
  if (response.status !== 400) return false;
  try {
    const body = (await response.clone().json()) as { error?: unknown };
    return body.error === "use_dpop_nonce";
  } catch {
    return false;
  }
}

/**
 * Wraps the (tracing) fetch the SDK is given. Token requests get a proof; an MCP request carrying a
 * token this run was issued as DPoP-bound goes out as `Authorization: DPoP <token>` with a proof
 * holding its `ath`. The SDK v1 writes `Bearer` for every token, so the scheme is corrected here, and
 * only for tokens whose response said `token_type: DPoP`. A `DPoP-Nonce` from a server is used in
 * the next proof to that server; a refusal asking for it is answered by one new proof.
 */
export interface DpopFetchOptions {
  /**
   * A token request retried for the nonce must not send its client assertion again: a `jti` is
   * single-use (RFC 7523 §3 item 7), and the server would refuse the replay. This gives the form a
   * new assertion; without it a form that has one is sent as it was.
   */
  renewClientAssertion?: (form: URLSearchParams, url: URL) => Promise<void>;
}

export function dpopFetch(
  key: DpopKey,
  base: FetchLike,
  trace: Trace,
  options: DpopFetchOptions = {},
): FetchLike {
  const nonces = new Map<string, string>();
  const boundTokens = new Set<string>();
  return async (input, init) => {
    const method = (init?.method ?? "GET").toUpperCase();
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers = new Headers(init?.headers);
    const tokenRequest = isTokenRequest(method, headers, init?.body);
    const [scheme, credentials] = (headers.get("authorization") ?? "").split(" ", 2);
    const accessToken =
      scheme?.toLowerCase() === "bearer" && credentials && boundTokens.has(credentials)
        ? credentials
        : undefined;
    if (!tokenRequest && accessToken === undefined) return base(input, init);
    if (accessToken !== undefined) headers.set("Authorization", `DPoP ${accessToken}`);

    let body = init?.body;
    const send = async (): Promise<Response> => {
      headers.set(
        "DPoP",
        await key.proof({ htm: method, htu: url, nonce: nonces.get(url.origin), accessToken }),
      );
      const response = await base(input, { ...init, headers, body });
      const nonce = response.headers.get("dpop-nonce");
      if (nonce) nonces.set(url.origin, nonce);
      return response;
    };
    const sentNonce = nonces.get(url.origin);
    let response = await send();
    if ((await asksForNonce(response)) && nonces.get(url.origin) !== sentNonce) {
      trace.note(
        "the server wants its nonce in the proof (use_dpop_nonce, RFC 9449 §8): signing a new proof with the DPoP-Nonce it sent",
      );
      const form = tokenRequest ? new URLSearchParams(String(body)) : undefined;
      if (form?.has("client_assertion") && options.renewClientAssertion) {
        await options.renewClientAssertion(form, url);
        body = form.toString();
        trace.note("and a new client assertion: its jti is single-use (RFC 7523 §3)");
      }
      response = await send();
    }
    if (tokenRequest && response.ok) await noteBinding(response, key, boundTokens, trace);
    return response;
  };
}

/** Says whether the token the server issued is bound to this run's key (§5, §6.1). */
async function noteBinding(
  response: Response,
  key: DpopKey,
  boundTokens: Set<string>,
  trace: Trace,
): Promise<void> {
  let body: { access_token?: unknown; token_type?: unknown };
  try {
    body = (await response.clone().json()) as typeof body;
  } catch {
    return;
  }
  if (typeof body.access_token !== "string") return;
  if (String(body.token_type).toLowerCase() !== "dpop") {
    trace.warn(
      `token_type ${String(body.token_type)}: the server ignored the proof and issued a bearer token`,
    );
    return;
  }
  boundTokens.add(body.access_token);
  // A client need not read its access token (RFC 9068 tokens are for the resource server); the
  // demo does, to show the binding the MCP server will check.
  let jkt: unknown;
  try {
    jkt = (decodeJwt(body.access_token).cnf as { jkt?: unknown } | undefined)?.jkt;
  } catch {
    trace.note("token_type DPoP: the token is bound to this key (it is not a JWT to look into)");
    return;
  }
  if (jkt === key.thumbprint) {
    trace.note(`token_type DPoP, and the access token's cnf.jkt ${jkt} is this run's key`);
  } else {
    trace.warn(
      `token_type DPoP, but the access token's cnf.jkt is ${String(jkt)}, not this run's key ${key.thumbprint}`,
    );
  }
}
