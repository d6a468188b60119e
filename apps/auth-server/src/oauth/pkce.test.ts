import { describe, expect, it } from "vitest";
import { isCodeVerifier, isS256CodeChallenge, s256CodeChallenge, verifyCodeVerifier } from "./pkce";

describe("PKCE S256 (RFC 7636)", () => {
  it("computes the RFC 7636 appendix B example challenge", () => {
    expect(s256CodeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe(
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    );
  });

  it("accepts the verifier that produced the challenge", () => {
    const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    expect(verifyCodeVerifier(verifier, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")).toBe(true);
  });

  it("rejects a wrong verifier", () => {
    const wrong = "x".repeat(43);
    expect(verifyCodeVerifier(wrong, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")).toBe(false);
  });

  it("rejects the plain method's trick of sending the challenge itself as the verifier", () => {
    const challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    expect(verifyCodeVerifier(challenge, challenge)).toBe(false);
  });

  it("checks the verifier's length and alphabet (§4.1)", () => {
    expect(isCodeVerifier("a".repeat(42))).toBe(false);
    expect(isCodeVerifier("a".repeat(43))).toBe(true);
    expect(isCodeVerifier("a".repeat(128))).toBe(true);
    expect(isCodeVerifier("a".repeat(129))).toBe(false);
    expect(isCodeVerifier(`${"a".repeat(42)}+`)).toBe(false);
  });

  it("accepts only 43-character base64url challenges", () => {
    expect(isS256CodeChallenge("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")).toBe(true);
    expect(isS256CodeChallenge("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-c")).toBe(false);
    expect(isS256CodeChallenge("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM")).toBe(false);
  });
});
