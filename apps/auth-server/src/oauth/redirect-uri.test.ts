import { describe, expect, it } from "vitest";
import { inferApplicationType, redirectUriIsRegistered, redirectUriProblem } from "./redirect-uri";

describe("redirectUriProblem", () => {
  it.each([
    ["https://client.example.com/callback", "web"],
    ["https://client.example.com/callback?tenant=a", "web"],
    ["https://client.example.com/callback", "native"],
    ["http://127.0.0.1/callback", "native"],
    ["http://127.0.0.1:51004/callback", "native"],
    ["http://[::1]:51004/callback", "native"],
    ["http://localhost:8976/oauth/callback", "native"],
  ] as const)("accepts %s for a %s client", (uri, applicationType) => {
    expect(redirectUriProblem(uri, applicationType)).toBeUndefined();
  });

  it.each([
    ["http://client.example.com/cb", "native", /https/],
    ["http://127.0.0.1.evil.example/cb", "native", /https/],
    ["http://localhost.evil.example/cb", "native", /https/],
    ["http://127.0.0.1:8080/cb", "web", /native/],
    ["https://client.example.com/cb#state", "web", /fragment/],
    ["https://client.example.com/cb#", "web", /fragment/],
    ["https://a:b@client.example.com/cb", "web", /credentials/],
    ["javascript:alert(1)", "web", /https/],
    ["file:///etc/passwd", "native", /https/],
    ["client.example.com/cb", "web", /absolute/],
    [`https://client.example.com/${"a".repeat(2000)}`, "web", /too long/],
  ] as const)("refuses %s for a %s client", (uri, applicationType, reason) => {
    expect(redirectUriProblem(uri, applicationType)).toMatch(reason);
  });
});

describe("inferApplicationType", () => {
  it("calls a client with any loopback redirect native, otherwise web", () => {
    expect(inferApplicationType(["http://localhost:3000/cb"])).toBe("native");
    expect(inferApplicationType(["https://a.example/cb", "http://127.0.0.1/cb"])).toBe("native");
    expect(inferApplicationType(["https://a.example/cb"])).toBe("web");
    expect(inferApplicationType(["not a url"])).toBe("web");
  });
});

describe("redirectUriIsRegistered", () => {
  const registered = [
    "https://client.example.com/callback",
    "http://127.0.0.1:51004/callback",
    "http://localhost:8976/oauth/callback?x=1",
  ];

  it("matches a registered URI exactly", () => {
    expect(redirectUriIsRegistered(registered, "https://client.example.com/callback")).toBe(true);
  });

  it("lets a loopback redirect use another port (RFC 8252 §7.3)", () => {
    expect(redirectUriIsRegistered(registered, "http://127.0.0.1:60123/callback")).toBe(true);
    expect(redirectUriIsRegistered(registered, "http://127.0.0.1/callback")).toBe(true);
    expect(redirectUriIsRegistered(registered, "http://localhost:1/oauth/callback?x=1")).toBe(true);
  });

  it.each([
    ["another path", "https://client.example.com/callback/evil"],
    ["a prefix", "https://client.example.com/call"],
    ["another host", "https://evil.example/callback"],
    ["another port on a non-loopback host", "https://client.example.com:8443/callback"],
    ["a loopback path change", "http://127.0.0.1:51004/other"],
    ["a loopback host swap (localhost for 127.0.0.1)", "http://localhost:51004/callback"],
    ["a loopback query change", "http://localhost:8976/oauth/callback?x=2"],
    ["https instead of loopback http", "https://127.0.0.1:51004/callback"],
    ["a fragment", "http://127.0.0.1:51004/callback#x"],
    ["user info", "http://a@127.0.0.1:51004/callback"],
    ["letter case", "https://client.example.com/Callback"],
    ["a decimal IPv4 literal for the loopback host", "http://2130706433:9/callback"],
    ["a hexadecimal IPv4 literal for the loopback host", "http://0x7f.1:9/callback"],
    ["a shortened IPv4 literal for the loopback host", "http://127.1:9/callback"],
    ["a loopback path with dot segments", "http://127.0.0.1:9/x/../callback"],
    ["a loopback path with a backslash", "http://127.0.0.1:9\\callback"],
  ])("refuses %s (open redirect)", (_, requested) => {
    expect(redirectUriIsRegistered(registered, requested)).toBe(false);
  });
});
