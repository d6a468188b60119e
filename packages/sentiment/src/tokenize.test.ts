// Tests for the tokenizer: offsets, contractions, possessives and hyphenated compounds.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tokenize } from "./tokenize";

describe("tokenize", () => {
  it("lower-cases words and keeps their offsets", () => {
    const text = "Revenue ROSE 5%.";
    const tokens = tokenize(text);
    expect(tokens.map((token) => token.text)).toEqual(["revenue", "rose", "5%", "."]);
    for (const token of tokens) {
      expect(text.slice(token.start, token.end).toLowerCase()).toBe(token.text);
    }
  });

  it("splits n't into its own negation token", () => {
    expect(tokenize("didn't beat").map((token) => token.text)).toEqual(["did", "not", "beat"]);
    expect(tokenize("can’t grow").map((token) => token.text)).toEqual(["ca", "not", "grow"]);
  });

  it("drops possessive endings and keeps hyphenated compounds whole", () => {
    expect(tokenize("analysts' better-than-expected company's").map((token) => token.text)).toEqual(
      ["analysts", "better-than-expected", "company"],
    );
  });

  it("gives offsets inside the text for any input", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        for (const token of tokenize(text)) {
          expect(token.start).toBeGreaterThanOrEqual(0);
          expect(token.end).toBeLessThanOrEqual(text.length);
          expect(token.start).toBeLessThan(token.end);
        }
      }),
    );
  });
});
