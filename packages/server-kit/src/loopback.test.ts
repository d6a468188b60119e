import { describe, expect, it } from "vitest";
import { isLoopbackUrl } from "./loopback";

describe("isLoopbackUrl", () => {
  it.each([
    "http://127.0.0.1:8080/callback",
    "http://[::1]:8080/callback",
    "http://localhost:33418/oauth/callback",
    "https://localhost",
  ])("treats %s as loopback", (url) => {
    expect(isLoopbackUrl(new URL(url))).toBe(true);
  });

  it.each([
    // A name that merely starts with "localhost" resolves wherever its owner points it.
    "http://localhost.evil.example/callback",
    "http://127.0.0.1.nip.io/callback",
    "http://10.0.0.1/callback",
    "http://[::2]/callback",
    "https://app.example.com",
  ])("does not treat %s as loopback", (url) => {
    expect(isLoopbackUrl(new URL(url))).toBe(false);
  });
});
