// RFC 7662 §4 over real HTTP: only clients an administrator allowed may introspect, and every refusal is audited.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { seedSystemClients } from "../src/seed";
import { listAuditEvents } from "../src/store/audit";
import { findClient } from "../src/store/clients";
import { admin } from "./support/admin";
import { obtainAuthorizationCode, redeemCode, WEB_CLIENT } from "./support/authorization";
import {
  basicAuthorization,
  DEMO_BATCH,
  form,
  json,
  registerClient,
  requestClientCredentialsToken,
  useTestAuthServer,
} from "./support/test-server";

const server = useTestAuthServer();

function introspect(token: string, credentials: { clientId: string; clientSecret: string }) {
  const request = form({ token });
  return fetch(server.url("/introspect"), {
    method: "POST",
    headers: {
      ...request.headers,
      Authorization: basicAuthorization(credentials.clientId, credentials.clientSecret),
    },
    body: request.body,
  });
}

async function demoBatchToken(): Promise<string> {
  return (await json(requestClientCredentialsToken(server))).access_token;
}

/** The refusal: 403 with an RFC 6749 error body, nothing about the token, and one audit row. */
async function expectRefused(response: Response, clientId: string) {
  expect(response.status).toBe(403);
  expect(response.headers.get("cache-control")).toBe("no-store");
  const body = await json(response);
  expect(body).toEqual({ error: "unauthorized_client", error_description: expect.any(String) });
  const [row] = await server.instance.server.store.run((x) =>
    listAuditEvents(x, {
      event: "token.introspection_refused",
      clientId,
      limit: 1,
    }),
  );
  expect(row).toMatchObject({ outcome: "failure", clientId });
  // Neither the token nor anything read from it goes into the log.
  expect(JSON.stringify(row?.details)).not.toMatch(/eyJ/);
}

describe("who may introspect (RFC 7662 §4)", () => {
  it("refuses introspection by a self-registered confidential client holding a token (RFC 7662 §4)", async () => {
    const registration = await json(
      registerClient(server, {
        client_name: "Anyone at all",
        redirect_uris: ["https://stranger.example/callback"],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
      }),
    );
    const self = { clientId: registration.client_id, clientSecret: registration.client_secret };
    const authorized = await obtainAuthorizationCode(server, {
      client: { clientId: self.clientId, redirectUri: "https://stranger.example/callback" },
    });
    const tokens = await json(redeemCode(server, authorized, { client_secret: self.clientSecret }));
    expect(tokens.access_token).toEqual(expect.any(String));

    // Its own token, and one taken from another client: it may test neither.
    for (const token of [tokens.access_token, await demoBatchToken()]) {
      await expectRefused(await introspect(token, self), self.clientId);
    }
  });

  it("refuses introspection by a pre-registered client an administrator did not allow", async () => {
    await expectRefused(await introspect(await demoBatchToken(), DEMO_BATCH), DEMO_BATCH.clientId);

    const created = await admin(
      server,
      "/clients",
      {
        body: { name: "Report job", allowedScopes: ["mcp:tools:climate"], clientId: "report-job" },
      },
      201,
    );
    expect(created.client.introspectionAllowed).toBe(false);
    const reportJob = { clientId: "report-job", clientSecret: created.clientSecret };
    await expectRefused(await introspect(await demoBatchToken(), reportJob), "report-job");
  });

  it("refuses before reading the request, so a refused client learns nothing from a bad one", async () => {
    const response = await fetch(server.url("/introspect"), {
      method: "POST",
      headers: {
        ...form({}).headers,
        Authorization: basicAuthorization(DEMO_BATCH.clientId, DEMO_BATCH.clientSecret),
      },
      body: "",
    });
    expect(response.status).toBe(403);
  });

  it("lets the web app's client introspect", async () => {
    const response = await introspect(await demoBatchToken(), WEB_CLIENT);
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ active: true, client_id: DEMO_BATCH.clientId });
  });

  it("lets a resource server an administrator created with introspectionAllowed introspect", async () => {
    const created = await admin(
      server,
      "/clients",
      {
        body: {
          name: "Reporting API",
          allowedScopes: ["mcp:tools:climate"],
          clientId: "reporting-api",
          introspectionAllowed: true,
        },
      },
      201,
    );
    expect(created.client.introspectionAllowed).toBe(true);
    const detail = await admin(server, "/clients/reporting-api");
    expect(detail.client.introspectionAllowed).toBe(true);

    const resourceServer = { clientId: "reporting-api", clientSecret: created.clientSecret };
    const response = await introspect(await demoBatchToken(), resourceServer);
    expect(response.status).toBe(200);
    expect((await json(response)).active).toBe(true);
  });

  it("gives the web client the permission on a database whose web row predates it", async () => {
    const { store, config, clock } = server.instance.server;
    // Migration 0002 added introspection_allowed as false to every existing row.
    await store.run(({ db, tables: { clients } }) =>
      db.update(clients).set({ introspectionAllowed: false }).where(eq(clients.clientId, "web")),
    );
    await seedSystemClients(store, config, clock());
    expect((await store.run((x) => findClient(x, "web")))?.introspectionAllowed).toBe(true);
    expect((await store.run((x) => findClient(x, DEMO_BATCH.clientId)))?.introspectionAllowed).toBe(
      false,
    );
  });
});
