// A seeded stream of malformed requests to every public endpoint of the authorization server.
import { type FuzzBody, type FuzzRequest, malformed, type Random } from "@repo/server-kit/fuzz";
import { JWKS_PATH, METADATA_PATH } from "../../src/oauth/metadata";
import { basicAuthorization, DEMO_BATCH, MCP_RESOURCE } from "./test-server";

const FORM = "application/x-www-form-urlencoded";
const JSON_TYPE = "application/json";
const DEMO_BASIC = basicAuthorization(DEMO_BATCH.clientId, DEMO_BATCH.clientSecret);

export interface AuthServerTargets {
  /** A web-app token for the internal API, so that junk also reaches the routes behind its check. */
  internalToken: string;
}

const REGISTRATION = JSON.stringify({
  redirect_uris: ["http://127.0.0.1:33418/callback"],
  client_name: "Fuzzed client",
  token_endpoint_auth_method: "none",
  grant_types: ["authorization_code", "refresh_token"],
});

/** The form endpoints and a well-formed parameter list for each, which the stream then spoils. */
const FORM_ENDPOINTS: { path: string; parameters: [string, string][] }[] = [
  {
    path: "/token",
    parameters: [
      ["grant_type", "client_credentials"],
      ["resource", MCP_RESOURCE],
      ["scope", "mcp:tools:sentiment:read"],
    ],
  },
  {
    path: "/token",
    parameters: [
      ["grant_type", "authorization_code"],
      ["code", "not-a-code"],
      ["redirect_uri", "http://127.0.0.1:33418/callback"],
      ["code_verifier", "v".repeat(43)],
    ],
  },
  {
    path: "/token",
    parameters: [
      ["grant_type", "refresh_token"],
      ["refresh_token", "not-a-refresh-token"],
    ],
  },
  {
    path: "/revoke",
    parameters: [
      ["token", "not-a-token"],
      ["token_type_hint", "access_token"],
    ],
  },
  {
    path: "/introspect",
    parameters: [
      ["token", "a.b.c"],
      ["token_type_hint", "refresh_token"],
    ],
  },
];

const INTERNAL_POSTS = [
  "/internal/login",
  "/internal/interactions/no-such-interaction/consent",
  "/internal/account/apps/revoke",
  "/internal/admin/users",
  "/internal/admin/clients",
  "/internal/admin/grants/revoke",
];
const INTERNAL_GETS = [
  "/internal/account/apps",
  "/internal/interactions/no-such-interaction",
  "/internal/admin/clients?limit=-1",
  "/internal/admin/audit?limit=abc&limit=2",
  "/internal/admin/users/%ff",
];

const GETS = [
  METADATA_PATH,
  JWKS_PATH,
  "/.well-known/oauth-protected-resource/internal",
  "/.well-known/openid-configuration",
  "/health",
];

/** A body that no endpoint here should accept, of one of the kinds the issue lists. */
function junkBody(random: Random, wellFormed: string): { body?: FuzzBody; kind: string } {
  switch (random.int(5)) {
    case 0:
      return { kind: "100 KiB body", body: malformed.hugeBody(random) };
    case 1:
      return { kind: "truncated body", body: malformed.truncated(random, wellFormed) };
    case 2:
      return { kind: "invalid UTF-8", body: malformed.invalidUtf8(random, wellFormed) };
    case 3:
      return { kind: "missing body" };
    default:
      return {
        kind: "JSON that is not an object",
        body: random.pick(["null", "[]", '"x"', "1e999"]),
      };
  }
}

function formRequest(random: Random): FuzzRequest {
  const { path, parameters } = random.pick(FORM_ENDPOINTS);
  const wellFormed = new URLSearchParams(parameters).toString();
  const headers = { "Content-Type": FORM, Authorization: DEMO_BASIC };
  switch (random.int(7)) {
    case 0:
      return {
        kind: "duplicate parameter",
        method: "POST",
        path,
        headers,
        body: malformed.duplicateParameter(random, parameters),
      };
    case 1:
      return {
        kind: "junk Basic credentials",
        method: "POST",
        path,
        headers: { ...headers, Authorization: malformed.basicCredentials(random) },
        body: wellFormed,
      };
    case 2:
      return {
        kind: "bad content type",
        method: "POST",
        path,
        headers: { ...headers, "Content-Type": malformed.contentType(random) },
        body: random.chance(0.5) ? wellFormed : JSON.stringify(Object.fromEntries(parameters)),
      };
    case 3:
      return {
        kind: "bearer token on a client-authenticated endpoint",
        method: "POST",
        path,
        headers: { ...headers, Authorization: malformed.bearerToken(random) },
        body: wellFormed,
      };
    case 4:
      return {
        kind: "wrong method",
        method: malformed.method(random, ["POST", "OPTIONS"]),
        path,
        headers,
        body: random.chance(0.3) ? malformed.hugeBody(random) : undefined,
      };
    default: {
      const { kind, body } = junkBody(random, wellFormed);
      return { kind, method: "POST", path, headers, body };
    }
  }
}

function registrationRequest(random: Random): FuzzRequest {
  const headers = { "Content-Type": JSON_TYPE };
  switch (random.int(6)) {
    case 0:
      return {
        kind: "bad content type",
        method: "POST",
        path: "/register",
        headers: { "Content-Type": malformed.contentType(random) },
        body: REGISTRATION,
      };
    case 1:
      return {
        kind: "duplicate member",
        method: "POST",
        path: "/register",
        headers,
        body: `{"redirect_uris":["https://a.example/cb"],"redirect_uris":["http://evil.example/"]}`,
      };
    case 2:
      return {
        kind: "wrong method",
        method: malformed.method(random, ["POST", "OPTIONS"]),
        path: "/register",
        headers,
        body: random.chance(0.3) ? malformed.hugeBody(random) : undefined,
      };
    case 3:
      // Well-formed, so that the stream also runs into the registration rate limit (429).
      return {
        kind: "registration",
        method: "POST",
        path: "/register",
        headers,
        body: REGISTRATION,
      };
    default: {
      const { kind, body } = junkBody(random, REGISTRATION);
      return { kind, method: "POST", path: "/register", headers, body };
    }
  }
}

function authorizationRequest(random: Random): FuzzRequest {
  const query = random.pick([
    "",
    "?response_type=code",
    "?client_id=demo-public&client_id=other&response_type=code",
    "?client_id=no-such-client&response_type=code&redirect_uri=https%3A%2F%2Fevil.example%2F",
    "?client_id=%ff%fe&response_type=%zz",
    `?client_id=demo-public&state=${"s".repeat(8000)}`,
    "?request_uri=urn:x&request=eyJ&response_type=token",
    "?response_type=code&response_type=code&code_challenge_method=plain",
  ]);
  if (random.chance(0.2)) {
    return {
      kind: "wrong method",
      method: malformed.method(random, ["GET"]),
      path: `/authorize${query}`,
      headers: { "Content-Type": FORM },
      body: random.chance(0.5) ? malformed.hugeBody(random) : query.slice(1),
    };
  }
  return { kind: "bad authorization request", method: "GET", path: `/authorize${query}` };
}

function internalRequest(random: Random, targets: AuthServerTargets): FuzzRequest {
  if (random.chance(0.3)) {
    return {
      kind: "bad bearer token",
      method: random.pick(["GET", "POST"]),
      path: random.pick([...INTERNAL_GETS, ...INTERNAL_POSTS]),
      headers: { Authorization: malformed.bearerToken(random), "Content-Type": JSON_TYPE },
    };
  }
  const authorized = { Authorization: `Bearer ${targets.internalToken}` };
  if (random.chance(0.3)) {
    return {
      kind: "bad query",
      method: random.pick(["GET", "PUT"]),
      path: random.pick(INTERNAL_GETS),
      headers: {
        ...authorized,
        "Acting-User": random.pick(["", "nobody", "%ff", "x".repeat(500)]),
      },
    };
  }
  const { kind, body } = random.chance(0.3)
    ? { kind: "bad content type", body: '{"email":"a@b.example"}' }
    : junkBody(random, '{"email":"new@example.com","password":"correct horse","name":"N"}');
  return {
    kind,
    method: "POST",
    path: random.pick(INTERNAL_POSTS),
    headers: {
      ...authorized,
      "Content-Type": kind === "bad content type" ? malformed.contentType(random) : JSON_TYPE,
    },
    body,
  };
}

function otherRequest(random: Random): FuzzRequest {
  if (random.chance(0.5)) {
    return {
      kind: "wrong method",
      method: malformed.method(random, ["GET", "HEAD", "OPTIONS"]),
      path: random.pick(GETS),
      headers: { "Content-Type": malformed.contentType(random) },
      body: random.chance(0.5) ? malformed.hugeBody(random) : "x",
    };
  }
  return {
    kind: "unknown endpoint",
    method: random.pick(["GET", "POST", "DELETE"]),
    path: random.pick(["/nope", "/token/extra", "/.well-known/", "/%2e%2e/token", "/internal"]),
    headers: { "Content-Type": JSON_TYPE },
    body: undefined,
  };
}

/** The next request of the stream: every endpoint, every kind of malformation the issue lists. */
export function nextMalformedRequest(random: Random, targets: AuthServerTargets): FuzzRequest {
  const roll = random.int(100);
  if (roll < 40) return formRequest(random);
  if (roll < 60) return registrationRequest(random);
  if (roll < 72) return authorizationRequest(random);
  if (roll < 88) return internalRequest(random, targets);
  return otherRequest(random);
}
