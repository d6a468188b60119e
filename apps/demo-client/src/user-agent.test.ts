import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type CallbackServer, startCallbackServer } from "./callback-server";
import { Trace } from "./trace";
import { HeadlessAuthorizationError, sendToUserAgent } from "./user-agent";

/**
 * An authorization endpoint that approves without a person, as the MCP conformance suite's mock
 * authorization servers do: one hop through a page of its own, then back to the redirect URI.
 */
async function startSelfApprovingServer(): Promise<{ origin: string; server: Server }> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/authorize") {
      response.writeHead(302, { Location: `/approve${url.search}` }).end();
    } else if (url.pathname === "/approve") {
      const redirect = new URL(url.searchParams.get("redirect_uri") ?? "");
      redirect.search = new URLSearchParams({
        code: "self-approved-code",
        state: url.searchParams.get("state") ?? "",
      }).toString();
      response.writeHead(303, { Location: redirect.href }).end();
    } else {
      response.writeHead(200, { "Content-Type": "text/html" }).end("<form>Sign in</form>");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe("--authorize=fetch", () => {
  let callback: CallbackServer;
  let authorizationServer: { origin: string; server: Server };
  beforeEach(async () => {
    [callback, authorizationServer] = await Promise.all([
      startCallbackServer(),
      startSelfApprovingServer(),
    ]);
  });
  afterEach(async () => {
    await callback.close();
    await new Promise((resolve) => authorizationServer.server.close(resolve));
  });

  const trace = new Trace(() => undefined);

  it("follows the redirects by hand and delivers the code to the loopback redirect URI", async () => {
    const waiting = callback.expect({ state: "st" });
    const url = new URL(
      `${authorizationServer.origin}/authorize?${new URLSearchParams({ redirect_uri: callback.redirectUri, state: "st" })}`,
    );
    await sendToUserAgent("fetch", url, callback.redirectUri, trace, fetch);
    await expect(waiting).resolves.toEqual({ code: "self-approved-code" });
  });

  it("stops with a clear error at a page that wants a person", async () => {
    callback.expect({ state: "st" }, 1_000).catch(() => undefined);
    const url = new URL(`${authorizationServer.origin}/login`);
    await expect(sendToUserAgent("fetch", url, callback.redirectUri, trace, fetch)).rejects.toThrow(
      HeadlessAuthorizationError,
    );
  });
});
