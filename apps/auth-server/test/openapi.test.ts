// The OpenAPI document against the running server: valid OpenAPI 3.1, every public route described,
// and what the server really answers fits the schemas it publishes.
import { readFileSync } from "node:fs";
import { validate } from "@readme/openapi-parser";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { OpenAPIV3_1 } from "openapi-types";
import { describe, expect, it } from "vitest";
import { OPENAPI_PATH, UNDESCRIBED_PATHS } from "../src/openapi";
import { renderApiReference } from "../src/openapi-reference";
import {
  introspect,
  obtainAuthorizationCode,
  redeemCode,
  refresh,
  WEB_CLIENT,
} from "./support/authorization";
import {
  basicAuthorization,
  form,
  type JsonBody,
  json,
  registerClient,
  requestClientCredentialsToken,
  useTestAuthServer,
} from "./support/test-server";

const server = useTestAuthServer();

async function fetchDocument(): Promise<OpenAPIV3_1.Document> {
  const response = await fetch(server.url(OPENAPI_PATH));
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  return (await response.json()) as OpenAPIV3_1.Document;
}

/** A validator for `method path status`'s JSON body, with the document's components resolvable. */
async function responseValidator(method: string, path: string, status: number) {
  const document = await fetchDocument();
  const operation = document.paths?.[path]?.[method as OpenAPIV3_1.HttpMethods];
  const response = operation?.responses?.[String(status)] as OpenAPIV3_1.ResponseObject | undefined;
  const schema = response?.content?.["application/json"]?.schema;
  if (schema === undefined) throw new Error(`${method} ${path} ${status} has no JSON schema`);
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ $id: "openapi.json", components: document.components }, "openapi.json");
  const rebased = JSON.parse(
    JSON.stringify(schema).replaceAll('"#/components', '"openapi.json#/components'),
  );
  return ajv.compile(rebased);
}

async function expectDocumented(
  method: string,
  path: string,
  response: Response,
): Promise<JsonBody> {
  const check = await responseValidator(method, path, response.status);
  const body = (await response.json()) as JsonBody;
  expect(check(body), JSON.stringify(check.errors)).toBe(true);
  return body;
}

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document that names this server", async () => {
    const document = await fetchDocument();
    expect(document.openapi).toBe("3.1.0");
    expect(document.servers).toEqual([{ url: server.issuer }]);
    // Throws with every problem listed; a copy, because the validator dereferences in place.
    await expect(validate(structuredClone(document))).resolves.toMatchObject({ valid: true });
  });

  it("describes every public route the server serves", async () => {
    const document = await fetchDocument();
    const served = new Set(
      server.instance.app.routes
        .filter((route) => route.method === "GET" || route.method === "POST")
        .filter((route) => !route.path.includes("*") && !route.path.startsWith("/internal/"))
        .map((route) => `${route.method.toLowerCase()} ${route.path}`),
    );
    const described = new Set(
      Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
        Object.keys(item ?? {}).map((method) => `${method} ${path}`),
      ),
    );
    const undescribed = [...served].filter(
      (route) =>
        !described.has(route) && !Object.hasOwn(UNDESCRIBED_PATHS, route.split(" ")[1] ?? ""),
    );
    expect(undescribed).toEqual([]);
    expect([...described].filter((route) => !served.has(route))).toEqual([]);
  });

  it("documents the request schemas the handlers validate with", async () => {
    const document = await fetchDocument();
    const schemas = document.components?.schemas ?? {};
    const codeRequest = schemas.AuthorizationCodeTokenRequest as OpenAPIV3_1.SchemaObject;
    expect(codeRequest.required).toEqual(
      expect.arrayContaining(["grant_type", "code", "code_verifier"]),
    );
    const registration = schemas.ClientRegistrationRequest as OpenAPIV3_1.SchemaObject;
    expect(registration.required).toEqual(["redirect_uris"]);
    expect(registration.properties?.redirect_uris).toMatchObject({ minItems: 1, maxItems: 10 });
  });
});

describe("the server's answers fit the document", () => {
  it("metadata, JWKS and health", async () => {
    const metadata = await expectDocumented(
      "get",
      "/.well-known/oauth-authorization-server",
      await fetch(server.url("/.well-known/oauth-authorization-server")),
    );
    expect(metadata.issuer).toBe(server.issuer);
    const jwks = await expectDocumented(
      "get",
      "/.well-known/jwks.json",
      await fetch(server.url("/.well-known/jwks.json")),
    );
    expect(jwks.keys.length).toBeGreaterThan(0);
    await expectDocumented("get", "/health", await fetch(server.url("/health")));
  });

  it("registration, its errors, and every grant of the token endpoint", async () => {
    await expectDocumented(
      "post",
      "/register",
      await registerClient(server, {
        redirect_uris: ["http://127.0.0.1:9/callback"],
        token_endpoint_auth_method: "client_secret_basic",
        client_name: "OpenAPI check",
      }),
    );
    await expectDocumented("post", "/register", await registerClient(server, { client_name: "x" }));

    const authorized = await obtainAuthorizationCode(server);
    const tokens = await expectDocumented("post", "/token", await redeemCode(server, authorized));
    expect(tokens.refresh_token).toEqual(expect.any(String));
    await expectDocumented(
      "post",
      "/token",
      await refresh(server, authorized.clientId, tokens.refresh_token),
    );
    await expectDocumented("post", "/token", await requestClientCredentialsToken(server));
    // A replayed code: the documented invalid_grant body.
    await expectDocumented("post", "/token", await redeemCode(server, authorized));
    await expectDocumented(
      "post",
      "/token",
      await fetch(server.url("/token"), {
        method: "POST",
        ...form({ grant_type: "client_credentials" }),
        headers: {
          ...form({}).headers,
          Authorization: basicAuthorization("demo-batch", "not-the-secret"),
        },
      }),
    );
  });

  it("introspection, active and inactive", async () => {
    const { access_token } = await json(requestClientCredentialsToken(server));
    const request = (token: string) =>
      fetch(server.url("/introspect"), {
        method: "POST",
        headers: {
          ...form({}).headers,
          Authorization: basicAuthorization(WEB_CLIENT.clientId, WEB_CLIENT.clientSecret),
        },
        body: form({ token }).body,
      });
    const active = await expectDocumented("post", "/introspect", await request(access_token));
    expect(active).toMatchObject({ active: true });
    expect(await expectDocumented("post", "/introspect", await request("nope"))).toEqual({
      active: false,
    });
    expect((await introspect(server, access_token)).active).toBe(true);
  });
});

describe("docs/api-reference.md", () => {
  it("is what the running server's document renders to (npm run docs:api regenerates it)", async () => {
    const committed = readFileSync(
      new URL("../../../docs/api-reference.md", import.meta.url),
      "utf8",
    );
    const rendered = renderApiReference(await fetchDocument());
    // The server's own address differs per test run; the committed page shows the default issuer.
    expect(committed).toBe(rendered.replaceAll(server.issuer, "http://localhost:4000"));
  });
});
