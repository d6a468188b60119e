import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { webConfig } from "@/lib/config";
import { FLASH_HEADER, flashCookieName } from "@/lib/flash";
import { proxy } from "./proxy";

const { webUrl } = webConfig();
const host = new URL(webUrl).host;

function request(path: string, init: { method?: string; headers?: Record<string, string> } = {}) {
  return new NextRequest(new URL(path, webUrl), {
    method: init.method ?? "GET",
    headers: { host, ...init.headers },
  });
}

const flashCookie = `${flashCookieName(webUrl)}=sealed-message`;

describe("the proxy's same-origin rule for form posts", () => {
  it("refuses a cross-site form post with a 403 before any Server Action runs", async () => {
    const response = proxy(
      request("/admin/keys", { method: "POST", headers: { origin: "https://attacker.example" } }),
    );
    expect(response.status).toBe(403);
    expect(await response.text()).toMatch(/did not come from this site/);
  });

  it("refuses a post without Origin, which Next.js alone would run", () => {
    expect(proxy(request("/", { method: "POST" })).status).toBe(403);
  });

  it("lets a post from the app's own origin through to its Server Action", () => {
    const response = proxy(request("/", { method: "POST", headers: { origin: webUrl } }));
    expect(response.status).toBe(200);
    expect(response.headers.get("x-middleware-next")).toBe("1");
  });
});

describe("one-time messages", () => {
  it("hands the message to a full page load and deletes its cookie in the same response", () => {
    const response = proxy(request("/admin/keys", { headers: { cookie: flashCookie } }));
    expect(response.headers.get(`x-middleware-request-${FLASH_HEADER}`)).toBe("sealed-message");
    expect(response.cookies.get(flashCookieName(webUrl))?.value).toBe("");
  });

  it("answers a request for React data with an empty 204, so the router loads the page in full", () => {
    const response = proxy(request("/admin/keys", { headers: { cookie: flashCookie, rsc: "1" } }));
    expect(response.status).toBe(204);
    expect(response.cookies.get(flashCookieName(webUrl))).toBeUndefined();
  });

  it("neither delivers nor discards a message on a prefetch", () => {
    const response = proxy(
      request("/admin/keys", {
        headers: { cookie: flashCookie, rsc: "1", "next-router-prefetch": "1" },
      }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get(`x-middleware-request-${FLASH_HEADER}`)).toBeNull();
    expect(response.cookies.get(flashCookieName(webUrl))).toBeUndefined();
  });

  it("never passes on a message header the browser wrote itself", () => {
    const response = proxy(request("/admin/keys", { headers: { [FLASH_HEADER]: "forged" } }));
    expect(response.headers.get(`x-middleware-request-${FLASH_HEADER}`)).toBeNull();
    // The headers the page's request keeps: the browser's copy is not among them.
    expect(response.headers.get("x-middleware-override-headers")?.split(",")).not.toContain(
      FLASH_HEADER,
    );
  });
});
