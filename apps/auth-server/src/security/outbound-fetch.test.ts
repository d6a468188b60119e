import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createOutboundFetcher,
  OutboundFetchError,
  type OutboundFetcher,
  type OutboundFetchOptions,
} from "./outbound-fetch";

describe("createOutboundFetcher", () => {
  const routes = new Map<string, RequestListener>();
  let server: Server;
  let origin: string;
  let port: number;
  let requests: string[] = [];
  let connections = 0;
  const fetchers: OutboundFetcher[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      requests.push(request.url ?? "");
      const route = routes.get(request.url ?? "");
      if (route) return route(request, response);
      response.writeHead(404).end();
    });
    server.on("connection", () => {
      connections += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
    origin = `http://127.0.0.1:${port}`;
  });
  afterEach(async () => {
    routes.clear();
    requests = [];
    connections = 0;
    await Promise.all(fetchers.splice(0).map((fetcher) => fetcher.close()));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  function fetcher(options: Partial<OutboundFetchOptions> = {}): OutboundFetcher {
    const created = createOutboundFetcher({ allowPrivateNetwork: true, ...options });
    fetchers.push(created);
    return created;
  }

  function serveJson(path: string, body: string, headers: Record<string, string> = {}) {
    routes.set(path, (_, response) => {
      response.writeHead(200, { "Content-Type": "application/json", ...headers }).end(body);
    });
  }

  async function failure(promise: Promise<unknown>): Promise<OutboundFetchError> {
    const error = await promise.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(OutboundFetchError);
    return error as OutboundFetchError;
  }

  it("fetches a JSON document from loopback when private networks are allowed (development mode)", async () => {
    serveJson("/doc.json", '{"hello":"world"}', { "Cache-Control": "max-age=60" });
    const response = await fetcher().fetchJson(new URL(`${origin}/doc.json`));
    expect(response.body).toEqual({ hello: "world" });
    expect(response.headers.get("cache-control")).toBe("max-age=60");
  });

  it("refuses a loopback address outside development mode without opening a connection", async () => {
    serveJson("/doc.json", "{}");
    const closed = fetcher({ allowPrivateNetwork: false });
    for (const url of [`${origin}/doc.json`, `http://[::ffff:7f00:1]:${port}/doc.json`]) {
      const error = await failure(closed.fetchJson(new URL(url)));
      expect(error.failure, url).toBe("forbidden_address");
    }
    expect(connections).toBe(0);
  });

  it("refuses a host name whose DNS answer is private, before connecting", async () => {
    const closed = fetcher({
      allowPrivateNetwork: false,
      resolveHostname: async () => ["10.1.2.3"],
    });
    const error = await failure(closed.fetchJson(new URL("https://client.test/doc.json")));
    expect(error.failure).toBe("forbidden_address");
    // The message must not hand an attacker the internal address a name resolves to.
    expect(error.message).not.toContain("10.1.2.3");
  });

  it.each([
    ["64:ff9b:1::a00:1", "NAT64 local-use"],
    ["fec0::1", "IPv6 site-local"],
    ["::ffff:10.0.0.1", "IPv4-mapped private"],
    ["2002:a00:1::1", "6to4 of a private address"],
  ])("refuses a DNS answer of %s (%s) in the socket's own lookup", async (address) => {
    const closed = fetcher({ allowPrivateNetwork: false, resolveHostname: async () => [address] });
    const error = await failure(closed.fetchJson(new URL("https://client.test/doc.json")));
    expect(error.failure).toBe("forbidden_address");
  });

  it("refuses IP-literal hosts in the newly refused IPv6 ranges without opening a connection", async () => {
    const closed = fetcher({ allowPrivateNetwork: false });
    for (const host of ["[64:ff9b:1::7f00:1]", "[fec0::1]", "[2002:7f00:1::1]", "[::127.0.0.1]"]) {
      const error = await failure(closed.fetchJson(new URL(`http://${host}:${port}/doc.json`)));
      expect(error.failure, host).toBe("forbidden_address");
    }
    expect(connections).toBe(0);
  });

  it("refuses a DNS answer that mixes public and private addresses (rebinding across records)", async () => {
    const closed = fetcher({
      allowPrivateNetwork: false,
      resolveHostname: async () => ["93.184.215.14", "127.0.0.1"],
    });
    const error = await failure(closed.fetchJson(new URL("https://client.test/doc.json")));
    expect(error.failure).toBe("forbidden_address");
  });

  it("connects to exactly the address its own lookup checked, so DNS cannot be rebound in between", async () => {
    serveJson("/doc.json", '{"ok":true}');
    let lookups = 0;
    const open = fetcher({
      resolveHostname: async (hostname) => {
        lookups += 1;
        expect(hostname).toBe("client.test");
        return ["127.0.0.1"];
      },
    });
    // client.test exists in no DNS: the socket reached the server only through the checked answer.
    const response = await open.fetchJson(new URL(`http://client.test:${port}/doc.json`));
    expect(response.body).toEqual({ ok: true });
    expect(lookups).toBe(1);
  });

  it("reports a name that does not resolve", async () => {
    const open = fetcher({
      resolveHostname: async () => {
        throw Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
      },
    });
    const error = await failure(open.fetchJson(new URL("https://missing.test/doc.json")));
    expect(error.failure).toBe("dns");
  });

  it("answers a missing name like an internal one when private addresses are refused (internal DNS probing)", async () => {
    const missing = fetcher({
      allowPrivateNetwork: false,
      resolveHostname: async () => {
        throw Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
      },
    });
    const internal = fetcher({
      allowPrivateNetwork: false,
      resolveHostname: async () => ["10.1.2.3"],
    });
    const url = new URL("https://db.internal.test/doc.json");
    const [notFound, forbidden] = await Promise.all([
      failure(missing.fetchJson(url)),
      failure(internal.fetchJson(url)),
    ]);
    expect(notFound.message).toBe(forbidden.message);
  });

  it("does not follow a redirect", async () => {
    routes.set("/moved", (_, response) => {
      response.writeHead(302, { Location: "/doc.json" }).end();
    });
    serveJson("/doc.json", "{}");
    const error = await failure(fetcher().fetchJson(new URL(`${origin}/moved`)));
    expect(error.failure).toBe("redirect");
    expect(requests).toEqual(["/moved"]);
  });

  it("accepts only 200 OK", async () => {
    routes.set("/gone", (_, response) => {
      response.writeHead(410, { "Content-Type": "application/json" }).end("{}");
    });
    const error = await failure(fetcher().fetchJson(new URL(`${origin}/gone`)));
    expect(error.failure).toBe("http_status");
    expect(error.message).toContain("410");
  });

  it("accepts application/json with parameters and refuses other media types", async () => {
    serveJson("/charset.json", "{}", { "Content-Type": "application/json; charset=utf-8" });
    await expect(fetcher().fetchJson(new URL(`${origin}/charset.json`))).resolves.toBeDefined();
    serveJson("/page", "{}", { "Content-Type": "text/html" });
    const error = await failure(fetcher().fetchJson(new URL(`${origin}/page`)));
    expect(error.failure).toBe("content_type");
  });

  it("refuses a body declared larger than the limit", async () => {
    serveJson("/big.json", JSON.stringify({ padding: "x".repeat(6000) }));
    const error = await failure(fetcher().fetchJson(new URL(`${origin}/big.json`)));
    expect(error.failure).toBe("too_large");
    expect(error.message).toContain("5120 bytes");
  });

  it("stops reading an undeclared (chunked) body once it passes the limit", async () => {
    let written = 0;
    routes.set("/endless.json", (_, response) => {
      response.writeHead(200, { "Content-Type": "application/json" });
      const timer = setInterval(() => {
        if (response.destroyed || written > 1_000_000) {
          clearInterval(timer);
          response.end();
          return;
        }
        written += 1024;
        response.write(" ".repeat(1024));
      }, 1);
    });
    const error = await failure(
      fetcher({ maxBytes: 4096 }).fetchJson(new URL(`${origin}/endless.json`)),
    );
    expect(error.failure).toBe("too_large");
    expect(written).toBeLessThan(1_000_000);
  });

  it("gives up on a server that does not answer in time", async () => {
    routes.set("/slow", () => {});
    const started = Date.now();
    const error = await failure(fetcher({ timeoutMs: 200 }).fetchJson(new URL(`${origin}/slow`)));
    expect(error.failure).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("gives up on a body that stalls after the headers", async () => {
    routes.set("/stall", (_, response) => {
      response.writeHead(200, { "Content-Type": "application/json" });
      response.write('{"partial":');
    });
    const error = await failure(fetcher({ timeoutMs: 200 }).fetchJson(new URL(`${origin}/stall`)));
    expect(error.failure).toBe("timeout");
  });

  it("refuses a body that is not JSON", async () => {
    serveJson("/broken.json", "{not json");
    const error = await failure(fetcher().fetchJson(new URL(`${origin}/broken.json`)));
    expect(error.failure).toBe("invalid_json");
  });

  it("fetches only http and https URLs without credentials", async () => {
    for (const url of ["file:///etc/passwd", "ftp://client.test/doc.json"]) {
      const error = await failure(fetcher().fetchJson(new URL(url)));
      expect(error.failure, url).toBe("unsupported_url");
    }
    const error = await failure(fetcher().fetchJson(new URL(`http://a:b@127.0.0.1:${port}/`)));
    expect(error.failure).toBe("unsupported_url");
  });
});
