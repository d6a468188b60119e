import { describe, expect, it } from "vitest";
import { inferApplicationType, redirectUriProblem } from "./redirect-uri";

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
