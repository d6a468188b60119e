import { decodeJwt, exportJWK, generateKeyPair, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { accessTokenHash, DpopKey } from "./dpop";
import {
  describeRequest,
  describeResponseBody,
  phaseOf,
  redactUrl,
  shorten,
  Trace,
  tracingFetch,
  UnreachableError,
  wantsColour,
} from "./trace";

const MCP_URL = new URL("http://localhost:4100/mcp");

describe("shorten", () => {
  it("keeps the first 8 characters of a token and marks the cut", () => {
    expect(shorten("eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCJ9")).toBe("eyJhbGci…");
  });

  it("shows nothing of a value too short to cut", () => {
    expect(shorten("12345678")).toBe("…");
  });
});

describe("redactUrl", () => {
  it("shortens an authorization code carried in a redirect URL", () => {
    expect(
      redactUrl("http://127.0.0.1:5000/callback?code=abcdefghijklmnopqrstuvwxyz&state=s1&iss=x"),
    ).toBe("http://127.0.0.1:5000/callback?code=abcdefgh…&state=s1&iss=x");
  });

  it("leaves URLs without secrets alone", () => {
    const url = "http://localhost:4000/authorize?client_id=a&scope=mcp%3Atools";
    expect(redactUrl(url)).toBe(url);
  });
});

describe("phaseOf", () => {
  const none = new Headers();
  const bearer = new Headers({ Authorization: "Bearer x" });

  it("puts the first call without a token in Discovery: it is what starts discovery", () => {
    expect(phaseOf(MCP_URL, none, MCP_URL)).toBe("Discovery");
  });

  it("puts a call with a token in Access", () => {
    expect(phaseOf(MCP_URL, bearer, MCP_URL)).toBe("Access");
  });

  it("puts well-known documents in Discovery, registration and tokens in Authorization", () => {
    expect(
      phaseOf(
        new URL("http://localhost:4000/.well-known/oauth-authorization-server"),
        none,
        MCP_URL,
      ),
    ).toBe("Discovery");
    expect(phaseOf(new URL("http://localhost:4000/register"), none, MCP_URL)).toBe("Authorization");
    expect(phaseOf(new URL("http://localhost:4000/token"), none, MCP_URL)).toBe("Authorization");
  });
});

describe("describeRequest", () => {
  it("shortens a bearer token and shows the MCP protocol version and JSON-RPC method", async () => {
    const headers = new Headers({
      Authorization: "Bearer eyJhbGciOiJFUzI1NiJ9.payload.signature",
      "MCP-Protocol-Version": "2025-11-25",
      "Content-Type": "application/json",
    });
    const body = JSON.stringify({
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: { name: "get_ticker_sentiment", arguments: { ticker: "QTXA" } },
    });
    expect(await describeRequest(headers, body)).toEqual([
      ["Authorization", "Bearer eyJhbGci…"],
      ["MCP-Protocol-Version", "2025-11-25"],
      ["JSON-RPC", 'tools/call get_ticker_sentiment {"ticker":"QTXA"}'],
    ]);
  });

  it("names the client of client_secret_basic and never shows its secret", async () => {
    const headers = new Headers({
      Authorization: `Basic ${Buffer.from("demo-batch:demo-batch-secret").toString("base64")}`,
      "Content-Type": "application/x-www-form-urlencoded",
    });
    const details = await describeRequest(headers, "grant_type=client_credentials");
    expect(details).toEqual([
      ["Authorization", "Basic demo-batch:… (client_secret_basic)"],
      ["grant_type", "client_credentials"],
    ]);
    expect(JSON.stringify(details)).not.toContain("demo-batch-secret");
  });

  it("shortens the code, the PKCE verifier and refresh tokens in a token request", async () => {
    const headers = new Headers({ "Content-Type": "application/x-www-form-urlencoded" });
    const body = new URLSearchParams({
      grant_type: "authorization_code",
      code: "c0de-c0de-c0de-c0de",
      code_verifier: "verifier-verifier-verifier",
      refresh_token: "refresh-refresh-refresh",
    }).toString();
    expect(await describeRequest(headers, body)).toEqual([
      ["grant_type", "authorization_code"],
      ["code", "c0de-c0d…"],
      ["code_verifier", "verifier…"],
      ["refresh_token", "refresh-…"],
    ]);
  });
});

describe("describeRequest with signed JWTs", () => {
  it("decodes a DPoP proof: header typ, alg and the key's thumbprint, then its claims", async () => {
    const key = await DpopKey.generate();
    const proof = await key.proof({
      htm: "POST",
      htu: "http://localhost:4100/mcp",
      nonce: "a-nonce-from-the-server",
      accessToken: "the-access-token",
    });
    const { jti, iat } = decodeJwt(proof);
    const details = await describeRequest(
      new Headers({ Authorization: "DPoP the-access-token", DPoP: proof }),
      undefined,
    );
    expect(details).toEqual([
      ["Authorization", "DPoP the-acce…"],
      ["DPoP", `${proof.slice(0, 8)}…`],
      ["DPoP header", `typ dpop+jwt, alg ES256, jwk EC P-256 thumbprint ${key.thumbprint}`],
      [
        "DPoP claims",
        `htm POST, htu http://localhost:4100/mcp, iat ${iat}, jti ${jti}, nonce a-nonce-from…, ath ${accessTokenHash("the-access-token")}`,
      ],
    ]);
  });

  it("decodes a client assertion (RFC 7523): iss, sub, aud, exp, jti, and never shows a key", async () => {
    const { privateKey } = await generateKeyPair("ES256", { extractable: true });
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: "ES256", typ: "JWT", kid: "k1" })
      .setIssuer("demo-batch-jwt")
      .setSubject("demo-batch-jwt")
      .setAudience("http://localhost:4000")
      .setIssuedAt(1_700_000_000)
      .setExpirationTime(1_700_000_060)
      .setJti("j-1")
      .sign(privateKey);
    const details = await describeRequest(
      new Headers({ "Content-Type": "application/x-www-form-urlencoded" }),
      new URLSearchParams({
        grant_type: "client_credentials",
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion: assertion,
      }).toString(),
    );
    expect(details).toEqual([
      ["grant_type", "client_credentials"],
      ["client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"],
      ["client_assertion", `${assertion.slice(0, 8)}…`],
      ["client_assertion header", "typ JWT, alg ES256, kid k1"],
      [
        "client_assertion claims",
        "iss demo-batch-jwt, sub demo-batch-jwt, aud http://localhost:4000, exp 1700000060, iat 1700000000, jti j-1",
      ],
    ]);
    const { d } = await exportJWK(privateKey);
    expect(JSON.stringify(details)).not.toContain(String(d));
  });

  it("shows a DPoP header that is not a JWT shortened only", async () => {
    expect(await describeRequest(new Headers({ DPoP: "not-a-jwt-at-all" }), undefined)).toEqual([
      ["DPoP", "not-a-jw…"],
    ]);
  });
});

describe("describeResponseBody", () => {
  it("shows what protected resource metadata says (RFC 9728)", () => {
    expect(
      describeResponseBody({
        resource: "http://localhost:4100/mcp",
        authorization_servers: ["http://localhost:4000"],
        bearer_methods_supported: ["header"],
      }),
    ).toEqual([
      ["resource", "http://localhost:4100/mcp"],
      ["authorization_servers", "http://localhost:4000"],
    ]);
  });

  it("shows a token response with both tokens shortened and the resource it is for", () => {
    expect(
      describeResponseBody({
        access_token: "eyJhbGciOiJFUzI1NiJ9.x.y",
        token_type: "Bearer",
        expires_in: 600,
        scope: "mcp:tools:sentiment:read",
        resource: "http://localhost:4100/mcp",
        refresh_token: "r-r-r-r-r-r-r-r-r-r",
      }),
    ).toEqual([
      ["access_token", "eyJhbGci…"],
      ["token_type", "Bearer"],
      ["expires_in", "600"],
      ["scope", "mcp:tools:sentiment:read"],
      ["resource", "http://localhost:4100/mcp"],
      ["refresh_token", "r-r-r-r-…"],
    ]);
  });

  it("shows the client_id of a registration response, and a secret only shortened", () => {
    expect(
      describeResponseBody({
        client_id: "abc",
        client_secret: "s3cr3t-s3cr3t-s3cr3t",
        token_endpoint_auth_method: "client_secret_basic",
      }),
    ).toEqual([
      ["client_id", "abc"],
      ["client_secret", "s3cr3t-s…"],
      ["token_endpoint_auth_method", "client_secret_basic"],
    ]);
  });

  it("shows an OAuth error as its code and description", () => {
    expect(describeResponseBody({ error: "invalid_grant", error_description: "spent" })).toEqual([
      ["error", "invalid_grant"],
      ["error_description", "spent"],
    ]);
  });
});

describe("Trace", () => {
  it("prints a phase heading once per phase change, with indented exchanges", () => {
    const lines: string[] = [];
    const trace = new Trace((line) => lines.push(line));
    trace.enter("Discovery");
    trace.request("POST", "http://localhost:4100/mcp");
    trace.enter("Discovery");
    trace.response(401, "Unauthorized", [["WWW-Authenticate", "Bearer"]]);
    trace.enter("Authorization");
    expect(lines).toEqual([
      "",
      "Discovery  find the authorization server that protects the MCP server (RFC 9728, RFC 8414)",
      "  → POST http://localhost:4100/mcp",
      "  ← 401 Unauthorized",
      "      WWW-Authenticate: Bearer",
      "",
      "Authorization  obtain an access token for the MCP server (OAuth 2.1, RFC 8707)",
    ]);
  });

  it("colours only a terminal whose user has not set NO_COLOR", () => {
    expect(wantsColour({ isTTY: true }, {})).toBe(true);
    expect(wantsColour({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    expect(wantsColour({ isTTY: false }, {})).toBe(false);
    const lines: string[] = [];
    new Trace((line) => lines.push(line), { colour: true }).response(200, "OK");
    expect(lines[0]).toContain("\x1b[32m200 OK");
  });
});

describe("tracingFetch", () => {
  it("passes the response through unchanged after reading its JSON from a clone", async () => {
    const lines: string[] = [];
    const body = { issuer: "http://localhost:4000", token_endpoint: "http://localhost:4000/token" };
    const base = async () => Response.json(body);
    const fetchFn = tracingFetch(new Trace((line) => lines.push(line)), MCP_URL, base);
    const response = await fetchFn("http://localhost:4000/.well-known/oauth-authorization-server");
    expect(await response.json()).toEqual(body);
    expect(lines).toContain("      issuer: http://localhost:4000");
  });

  it("turns a refused connection into an error naming the URL", async () => {
    const base = async () => {
      throw new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } });
    };
    const fetchFn = tracingFetch(new Trace(() => undefined), MCP_URL, base);
    const failure = fetchFn("http://localhost:4100/mcp", { method: "POST" });
    await expect(failure).rejects.toBeInstanceOf(UnreachableError);
    await expect(failure).rejects.toThrow(
      "cannot reach http://localhost:4100/mcp: connection refused",
    );
    // The SDK retries discovery on any TypeError; the error must stay one.
    await expect(failure).rejects.toBeInstanceOf(TypeError);
  });
});
