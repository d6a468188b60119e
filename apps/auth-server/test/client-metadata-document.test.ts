// Client ID Metadata Documents over real HTTP: documents served by a node:http server on loopback, fetched
// by the resolver, and resolved into clients of a running auth-server.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type ClientMetadataDocumentResolver,
  type ClientMetadataDocumentResolverOptions,
  createClientMetadataDocumentResolver,
} from "../src/oauth/client-metadata-document";
import { ClientResolutionError, resolveClient } from "../src/oauth/client-resolution";
import { findClient, insertClient } from "../src/store/clients";
import { startTestAuthServer, useTestAuthServer } from "./support/test-server";

type Route = (request: IncomingMessage, response: ServerResponse) => void;

/** Where the test clients publish their documents: a plain HTTP server on 127.0.0.1. */
const routes = new Map<string, Route>();
const requests: string[] = [];
let connections = 0;
const documentServer = createServer((request, response) => {
  requests.push(request.url ?? "");
  const route = routes.get(request.url ?? "");
  if (route) route(request, response);
  else response.writeHead(404).end();
});
documentServer.on("connection", () => {
  connections += 1;
});
let port = 0;
const documentUrl = (path: string) => `http://127.0.0.1:${port}${path}`;

beforeAll(async () => {
  await new Promise<void>((resolve) => documentServer.listen(0, "127.0.0.1", resolve));
  port = (documentServer.address() as AddressInfo).port;
});
afterAll(async () => {
  documentServer.closeAllConnections();
  await new Promise((resolve) => documentServer.close(resolve));
});

let now = new Date("2026-03-01T09:00:00Z");
const clock = () => now;
const advance = (seconds: number) => {
  now = new Date(now.getTime() + seconds * 1000);
};

const resolvers: ClientMetadataDocumentResolver[] = [];
function resolver(
  options: Partial<ClientMetadataDocumentResolverOptions> = {},
): ClientMetadataDocumentResolver {
  const created = createClientMetadataDocumentResolver({
    allowPrivateNetwork: true,
    clock,
    ...options,
  });
  resolvers.push(created);
  return created;
}
/** Outside development mode: private networks refused, client_id URLs must be https. */
const productionResolver = (options: Partial<ClientMetadataDocumentResolverOptions> = {}) =>
  resolver({ allowPrivateNetwork: false, ...options });

afterEach(async () => {
  routes.clear();
  requests.length = 0;
  connections = 0;
  await Promise.all(resolvers.splice(0).map((created) => created.close()));
});

function metadataDocument(clientId: string, overrides: Record<string, unknown> = {}) {
  return {
    client_id: clientId,
    client_name: "Example MCP Client",
    client_uri: "https://client.example.com",
    redirect_uris: ["http://127.0.0.1:3334/callback"],
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: "none",
    ...overrides,
  };
}

/** Serves a document at `path` (for the client_id that is this URL, unless overridden) and returns that URL. */
function publish(
  path: string,
  options: { document?: unknown; headers?: Record<string, string>; delayMs?: number } = {},
): string {
  const clientId = documentUrl(path);
  const body = JSON.stringify(options.document ?? metadataDocument(clientId));
  routes.set(path, (_, response) => {
    const send = () =>
      response.writeHead(200, { "Content-Type": "application/json", ...options.headers }).end(body);
    if (options.delayMs) setTimeout(send, options.delayMs);
    else send();
  });
  return clientId;
}

async function refusal(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe("fetching and validating a metadata document", () => {
  it("resolves a valid document served with application/json", async () => {
    const clientId = publish("/valid.json");
    const document = await resolver().resolve(clientId);
    expect(document).toMatchObject({
      clientId,
      clientName: "Example MCP Client",
      redirectUris: ["http://127.0.0.1:3334/callback"],
      tokenEndpointAuthMethod: "none",
      applicationType: "native",
    });
    expect(requests).toEqual(["/valid.json"]);
  });

  it("refuses a document whose client_id is not the URL it was fetched from (impersonation)", async () => {
    const clientId = publish("/impostor.json", {
      document: metadataDocument("https://well-known-client.example.com/client.json"),
    });
    const error = await refusal(resolver().resolve(clientId));
    expect(error.message).toMatch(/client_id does not equal the URL/);
  });

  it("refuses a document without redirect_uris", async () => {
    const path = "/no-redirects.json";
    const clientId = publish(path, {
      document: metadataDocument(documentUrl(path), { redirect_uris: undefined }),
    });
    expect((await refusal(resolver().resolve(clientId))).message).toMatch(/no redirect_uris/);
  });

  it("refuses a document that asks for client_secret_basic, a secret it cannot have", async () => {
    const path = "/secret.json";
    const clientId = publish(path, {
      document: metadataDocument(documentUrl(path), {
        token_endpoint_auth_method: "client_secret_basic",
      }),
    });
    expect((await refusal(resolver().resolve(clientId))).message).toMatch(/shared secret/);
  });

  it("refuses an oversized document (more than 5 KiB)", async () => {
    const path = "/huge.json";
    const clientId = publish(path, {
      document: metadataDocument(documentUrl(path), { padding: "x".repeat(6 * 1024) }),
    });
    expect((await refusal(resolver().resolve(clientId))).message).toMatch(/larger than 5120 bytes/);
  });

  it("times out on a slow server", async () => {
    const clientId = publish("/slow.json", { delayMs: 2000 });
    const error = await refusal(resolver({ fetchTimeoutMs: 200 }).resolve(clientId));
    expect(error.message).toMatch(/did not answer within 200 ms/);
  });

  it("does not follow a redirect to another document", async () => {
    const target = publish("/target.json");
    const clientId = documentUrl("/redirecting.json");
    routes.set("/redirecting.json", (_, response) => {
      response.writeHead(301, { Location: target }).end();
    });
    expect((await refusal(resolver().resolve(clientId))).message).toMatch(/redirect/);
    expect(requests).toEqual(["/redirecting.json"]);
  });

  it("refuses a document that is not served as JSON", async () => {
    const clientId = publish("/page.html", { headers: { "Content-Type": "text/html" } });
    expect((await refusal(resolver().resolve(clientId))).message).toMatch(/application\/json/);
  });

  it("refuses a URL that answers with an error status", async () => {
    const clientId = documentUrl("/missing.json");
    expect((await refusal(resolver().resolve(clientId))).message).toMatch(/HTTP 404/);
  });
});

describe("caching", () => {
  it("reuses a document for its max-age and fetches it again afterwards", async () => {
    const clientId = publish("/cached.json", { headers: { "Cache-Control": "max-age=120" } });
    const documents = resolver();
    await documents.resolve(clientId);
    advance(119);
    await documents.resolve(clientId);
    expect(requests).toHaveLength(1);
    advance(2);
    await documents.resolve(clientId);
    expect(requests).toHaveLength(2);
  });

  it("fetches a no-store document every time", async () => {
    const clientId = publish("/no-store.json", { headers: { "Cache-Control": "no-store" } });
    const documents = resolver();
    await documents.resolve(clientId);
    await documents.resolve(clientId);
    expect(requests).toHaveLength(2);
  });

  it("never caches a failure", async () => {
    const clientId = documentUrl("/flaky.json");
    routes.set("/flaky.json", (_, response) => {
      response.writeHead(503).end();
    });
    const documents = resolver();
    await refusal(documents.resolve(clientId));
    publish("/flaky.json");
    await expect(documents.resolve(clientId)).resolves.toMatchObject({ clientId });
    expect(requests).toHaveLength(2);
  });

  it("makes one request for concurrent resolves of the same client", async () => {
    const clientId = publish("/popular.json", { delayMs: 100 });
    const documents = resolver();
    const resolved = await Promise.all(
      Array.from({ length: 5 }, () => documents.resolve(clientId)),
    );
    expect(resolved.every((document) => document.clientId === clientId)).toBe(true);
    expect(requests).toHaveLength(1);
  });

  it("keeps a bounded number of documents, evicting the least recently used", async () => {
    const [first, second, third] = ["/lru-1.json", "/lru-2.json", "/lru-3.json"].map((path) =>
      publish(path),
    ) as [string, string, string];
    const documents = resolver({ maxCachedDocuments: 2 });
    await documents.resolve(first);
    await documents.resolve(second);
    await documents.resolve(first);
    await documents.resolve(third);
    expect(requests).toEqual(["/lru-1.json", "/lru-2.json", "/lru-3.json"]);
    await documents.resolve(second);
    expect(requests).toHaveLength(4);
  });
});

describe("server-side request forgery outside development mode", () => {
  /** A name that exists in no DNS, answered by the test instead. */
  const dnsAnswer = (...addresses: string[]) => ({ resolveHostname: async () => addresses });

  it("refuses a metadata document URL that resolves to loopback (127.0.0.1) outside development mode", async () => {
    publish("/internal.json");
    const viaDns = productionResolver(dnsAnswer("127.0.0.1"));
    const byName = await refusal(viaDns.resolve(`https://client.test:${port}/internal.json`));
    expect(byName.message).toMatch(/not a public internet address/);
    const byAddress = await refusal(
      productionResolver().resolve(`https://127.0.0.1:${port}/internal.json`),
    );
    expect(byAddress.message).toMatch(/not a public internet address/);
    expect(connections).toBe(0);
  });

  it("refuses the cloud metadata address 169.254.169.254", async () => {
    const byAddress = await refusal(
      productionResolver().resolve("https://169.254.169.254/latest/meta-data.json"),
    );
    expect(byAddress.message).toMatch(/not a public internet address/);
    const viaDns = productionResolver(dnsAnswer("169.254.169.254"));
    const byName = await refusal(viaDns.resolve("https://metadata.test/latest/meta-data.json"));
    expect(byName.message).toMatch(/not a public internet address/);
  });

  it.each(["10.0.0.8", "172.16.4.2", "192.168.1.20", "100.64.0.1", "fd00::8", "fe80::1"])(
    "refuses a host name whose DNS answer is the private address %s",
    async (address) => {
      const error = await refusal(
        productionResolver(dnsAnswer(address)).resolve("https://intranet.test/client.json"),
      );
      expect(error.message).toMatch(/not a public internet address/);
      expect(error.message).not.toContain(address);
    },
  );

  it("refuses a DNS answer that hides one private address among public ones", async () => {
    const documents = productionResolver(dnsAnswer("93.184.215.14", "10.0.0.8"));
    const error = await refusal(documents.resolve("https://mixed.test/client.json"));
    expect(error.message).toMatch(/not a public internet address/);
  });

  it("refuses IPv4-mapped IPv6 loopback ([::ffff:127.0.0.1])", async () => {
    publish("/mapped.json");
    // [::ffff:7f00:1] is how a URL writes [::ffff:127.0.0.1]; the canonical form reaches the address check.
    const error = await refusal(
      productionResolver().resolve(`https://[::ffff:7f00:1]:${port}/mapped.json`),
    );
    expect(error.message).toMatch(/not a public internet address/);
    expect(connections).toBe(0);
  });

  it("refuses http client_id URLs outside development mode, loopback included", async () => {
    publish("/plain.json");
    for (const clientId of [documentUrl("/plain.json"), "http://client.example.com/client.json"]) {
      const error = await refusal(productionResolver().resolve(clientId));
      expect(error.message, clientId).toMatch(/must use https/);
    }
    expect(requests).toEqual([]);
  });
});

describe("a development server that others reach", () => {
  it("refuses loopback metadata documents when MCP_RESOURCE is public, even with NODE_ENV=development", async () => {
    publish("/local.json");
    // The issuer is the test's loopback port; one public URL is enough to make it a deployment.
    const reachable = await startTestAuthServer({
      NODE_ENV: "development",
      MCP_RESOURCE: "https://mcp.example.com/mcp",
      KEY_ENCRYPTION_SECRET: "k".repeat(48),
      WEB_CLIENT_SECRET: "w".repeat(48),
      SEED_DEMO_DATA: "false",
    });
    try {
      for (const clientId of [documentUrl("/local.json"), `https://localhost:${port}/local.json`]) {
        const error = await refusal(resolveClient(reachable.instance.server, clientId));
        expect(error, clientId).toBeInstanceOf(ClientResolutionError);
        expect(error.message, clientId).toMatch(/must use https|not a public internet address/);
      }
      expect(connections).toBe(0);
    } finally {
      await reachable.close();
    }
  });
});

describe("resolveClient", () => {
  const server = useTestAuthServer();

  function withDocuments(documents: ClientMetadataDocumentResolver | undefined) {
    server.instance.server.clientMetadataDocuments = documents;
  }
  afterEach(() => withDocuments(undefined));

  it("stores a metadata-document client as a public client that codes and tokens can refer to", async () => {
    const clientId = publish("/stored.json");
    withDocuments(resolver());
    const client = await resolveClient(server.instance.server, clientId);
    expect(client).toMatchObject({
      clientId,
      registrationType: "metadata_document",
      tokenEndpointAuthMethod: "none",
      clientSecretDigest: null,
      applicationType: "native",
      redirectUris: ["http://127.0.0.1:3334/callback"],
      grantTypes: ["authorization_code", "refresh_token"],
      clientName: "Example MCP Client",
    });
    expect(await server.instance.server.store.run((x) => findClient(x, clientId))).toEqual(client);
  });

  it("refreshes the stored client when its document changes, keeping when it was first seen", async () => {
    const path = "/changing.json";
    const clientId = publish(path, { headers: { "Cache-Control": "no-store" } });
    withDocuments(resolver());
    const first = await resolveClient(server.instance.server, clientId);
    publish(path, {
      document: metadataDocument(clientId, {
        client_name: "Renamed Client",
        redirect_uris: ["https://client.example.com/callback"],
      }),
    });
    const second = await resolveClient(server.instance.server, clientId);
    expect(second).toMatchObject({
      clientName: "Renamed Client",
      redirectUris: ["https://client.example.com/callback"],
      applicationType: "web",
      createdAt: first.createdAt,
    });
  });

  it("refuses the client when its document cannot be used, with a reason for the error page", async () => {
    withDocuments(resolver());
    const clientId = documentUrl("/nowhere.json");
    const error = await refusal(resolveClient(server.instance.server, clientId));
    expect(error).toBeInstanceOf(ClientResolutionError);
    expect(error).toMatchObject({ name: "ClientResolutionError", failure: "metadata_document" });
    expect(error.message).toBe(
      "The client's metadata document could not be used: the server answered HTTP 404 instead of 200 OK.",
    );
    expect(await server.instance.server.store.run((x) => findClient(x, clientId))).toBeUndefined();
  });

  it("refuses a disabled metadata-document client without fetching its document", async () => {
    const clientId = publish("/disabled.json", { headers: { "Cache-Control": "no-store" } });
    withDocuments(resolver());
    await resolveClient(server.instance.server, clientId);
    await server.instance.server.store.run(({ db, tables: { clients } }) =>
      db.update(clients).set({ disabledAt: now }).where(eq(clients.clientId, clientId)),
    );
    const error = await refusal(resolveClient(server.instance.server, clientId));
    expect(error).toMatchObject({ failure: "disabled_client" });
    expect(requests).toHaveLength(1);
  });

  it("uses an administrator's pre-registration of a URL client_id as it stands", async () => {
    const clientId = documentUrl("/pre-registered.json");
    await server.instance.server.store.run((x) =>
      insertClient(x, {
        clientId,
        registrationType: "pre_registered",
        tokenEndpointAuthMethod: "none",
        applicationType: "native",
        redirectUris: ["http://127.0.0.1:9999/callback"],
        grantTypes: ["authorization_code"],
        responseTypes: ["code"],
      }),
    );
    withDocuments(resolver());
    const client = await resolveClient(server.instance.server, clientId);
    expect(client).toMatchObject({ registrationType: "pre_registered" });
    expect(requests).toEqual([]);
  });

  it("resolves ordinary client ids from the database and names an unknown one", async () => {
    await expect(resolveClient(server.instance.server, "demo-batch")).resolves.toMatchObject({
      clientId: "demo-batch",
    });
    const error = await refusal(resolveClient(server.instance.server, "no-such-client"));
    expect(error).toMatchObject({ name: "ClientResolutionError", failure: "unknown_client" });
  });

  it("refuses URL client ids when no resolver is configured", async () => {
    const error = await refusal(
      resolveClient(server.instance.server, "https://client.example.com/client.json"),
    );
    expect(error).toMatchObject({ failure: "metadata_document" });
    expect(error.message).toMatch(/not configured/);
  });
});
