import { describe, expect, it } from "vitest";
import { hrefWith, offsetWindow, parseOffset, single } from "./pagination";

describe("offset pages", () => {
  it("links forward from the first page and not back", () => {
    expect(offsetWindow({ total: 60, limit: 25, offset: 0, shown: 25 })).toEqual({
      from: 1,
      to: 25,
      total: 60,
      previousOffset: undefined,
      nextOffset: 25,
    });
  });

  it("links back from the last page and not forward", () => {
    expect(offsetWindow({ total: 60, limit: 25, offset: 50, shown: 10 })).toMatchObject({
      from: 51,
      to: 60,
      previousOffset: 25,
      nextOffset: undefined,
    });
  });

  it("describes an empty list, and an offset past its end, without a next link", () => {
    expect(offsetWindow({ total: 0, limit: 25, offset: 0, shown: 0 })).toMatchObject({
      from: 0,
      to: 0,
      nextOffset: undefined,
    });
    expect(offsetWindow({ total: 3, limit: 25, offset: 100, shown: 0 })).toMatchObject({
      previousOffset: 75,
      nextOffset: undefined,
    });
  });

  it("reads only whole non-negative offsets", () => {
    expect(parseOffset("50")).toBe(50);
    for (const value of [undefined, "", "-1", "2.5", "1e3", "x", "9999999999"]) {
      expect(parseOffset(value)).toBe(0);
    }
  });
});

describe("links that keep a list's filters", () => {
  it("leaves out empty parameters and encodes the rest", () => {
    expect(hrefWith("/admin/audit", { user: "u 1", client: "", cursor: undefined, page: 2 })).toBe(
      "/admin/audit?user=u+1&page=2",
    );
    expect(hrefWith("/admin/users", {})).toBe("/admin/users");
  });

  it("takes the first of a repeated parameter and treats empty as absent", () => {
    expect(single(["a", "b"])).toBe("a");
    expect(single("")).toBeUndefined();
    expect(single(undefined)).toBeUndefined();
  });
});
