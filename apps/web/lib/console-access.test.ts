import { describe, expect, it } from "vitest";
import { adminAccess } from "./console-access";

const person = {
  userId: "u1",
  email: "a@example.com",
  name: "A",
  csrfSecret: "x".repeat(43),
  sessionEpoch: 0,
};

describe("who may open the admin console", () => {
  it("sends a signed-out visitor to sign in", () => {
    expect(adminAccess(undefined)).toBe("sign-in");
  });

  it("forbids a signed-in person without the admin role", () => {
    expect(adminAccess({ ...person, isAdmin: false })).toBe("forbidden");
  });

  it("lets an admin in", () => {
    expect(adminAccess({ ...person, isAdmin: true })).toBe("allowed");
  });
});
