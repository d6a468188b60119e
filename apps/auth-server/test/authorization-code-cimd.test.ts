// A Client ID Metadata Document client (AS-5) through the whole code flow: its client_id is the URL of
// its metadata document, fetched at /authorize, and it shows as unverified on consent.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  browserBinding,
  decide,
  logIn,
  pkcePair,
  READ_SCOPES,
  redeemCode,
  startInteraction,
  viewInteraction,
} from "./support/authorization";
import { json, MCP_RESOURCE, useTestAuthServer } from "./support/test-server";

const server = useTestAuthServer();
let documentServer: Server;
let clientId: string;
const redirectUri = "http://127.0.0.1:42424/callback";

beforeAll(async () => {
  documentServer = createServer((_, response) => {
    response.setHeader("Content-Type", "application/json");
    response.end(
      JSON.stringify({
        client_id: clientId,
        client_name: "Document-described client",
        redirect_uris: [redirectUri],
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "none",
      }),
    );
  });
  await new Promise<void>((resolve) => documentServer.listen(0, "127.0.0.1", resolve));
  clientId = `http://127.0.0.1:${(documentServer.address() as AddressInfo).port}/oauth/client.json`;
});
afterAll(() => new Promise<void>((resolve) => documentServer.close(() => resolve())));

describe("a metadata-document client", () => {
  it("is advertised in the metadata", async () => {
    const metadata = await json(fetch(server.url("/.well-known/oauth-authorization-server")));
    expect(metadata.client_id_metadata_document_supported).toBe(true);
  });

  it("authorizes with its URL as client_id, shows as unverified, and redeems its code", async () => {
    const { codeVerifier, codeChallenge } = pkcePair();
    const interaction = await startInteraction(server, {
      clientId,
      redirectUri,
      scope: READ_SCOPES,
      resource: MCP_RESOURCE,
      state: "cimd",
      codeChallenge,
    });
    // The page is shown signed out first, then again after the sign-in, in the same browser.
    const binding = browserBinding();
    const described = await json(viewInteraction(server, interaction, { binding }));
    expect(described.client).toMatchObject({
      clientId,
      name: "Document-described client",
      registrationType: "metadata_document",
      verified: false,
    });

    const callback = await decide(server, interaction, await logIn(server), "allow", binding);
    const response = await redeemCode(server, {
      code: callback.searchParams.get("code") ?? "",
      codeVerifier,
      clientId,
      redirectUri,
      userId: "",
      callback,
    });
    expect(response.status).toBe(200);
    expect((await json(response)).refresh_token).toBeTypeOf("string");
  });
});
