import { describe, expect, it } from "vitest";
import { safeReturnPath, signInPath } from "./return-path";

describe("the return path after a sign-in", () => {
  it("returns to the console and account pages, with their query", () => {
    expect(safeReturnPath("/admin")).toBe("/admin");
    expect(safeReturnPath("/admin/clients?page=2")).toBe("/admin/clients?page=2");
    expect(safeReturnPath("/account")).toBe("/account");
  });

  it("refuses other sites however they are spelled (open redirect)", () => {
    for (const candidate of [
      "https://evil.example/admin",
      "//evil.example/admin",
      "/\\evil.example/admin",
      "\\\\evil.example",
      "/admin\\..\\..\\evil",
      "javascript:alert(1)",
      " /admin",
      "/admin\n//evil.example",
    ]) {
      expect(safeReturnPath(candidate), candidate).toBeUndefined();
    }
  });

  it("refuses this app's other pages and look-alike prefixes", () => {
    for (const candidate of [
      "/",
      "/consent?interaction=x",
      "/administrator",
      "/accounts",
      "/admin/../login",
    ]) {
      expect(safeReturnPath(candidate), candidate).toBeUndefined();
    }
  });

  it("refuses what is not a string, empty or too long", () => {
    for (const candidate of [undefined, null, 42, "", `/admin/${"a".repeat(600)}`]) {
      expect(safeReturnPath(candidate)).toBeUndefined();
    }
  });

  it("builds the login link that comes back", () => {
    expect(signInPath("/admin/users")).toBe("/login?next=%2Fadmin%2Fusers");
  });
});
