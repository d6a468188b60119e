// Tests for the evaluation metrics and the quality gate: the engine must reach macro-F1 ≥ 0.75 on
// the labelled finance sentences and beat both baselines.

import { describe, expect, it } from "vitest";
import { generalLexiconPolarity, majorityClass } from "./baselines";
import { polarityOf, score } from "./metrics";
import { evaluate } from "./run";
import { EVAL_SENTENCES } from "./sentences";

describe("score", () => {
  it("computes accuracy and macro-F1 on a worked example", () => {
    const result = score(
      ["positive", "positive", "negative", "neutral"],
      ["positive", "negative", "negative", "neutral"],
    );
    expect(result.accuracy).toBe(0.75);
    expect(result.f1.positive).toBeCloseTo(2 / 3);
    expect(result.f1.negative).toBeCloseTo(2 / 3);
    expect(result.f1.neutral).toBe(1);
    expect(result.macroF1).toBeCloseTo((2 / 3 + 2 / 3 + 1) / 3);
  });

  it("folds the five labels into three classes", () => {
    expect(polarityOf("Bullish")).toBe("positive");
    expect(polarityOf("Somewhat-Bullish")).toBe("positive");
    expect(polarityOf("Neutral")).toBe("neutral");
    expect(polarityOf("Somewhat-Bearish")).toBe("negative");
    expect(polarityOf("Bearish")).toBe("negative");
  });
});

describe("baselines", () => {
  it("picks the most common class", () => {
    expect(majorityClass(["neutral", "positive", "positive"])).toBe("positive");
  });

  it("reads plain words but not finance direction", () => {
    expect(generalLexiconPolarity("a great result")).toBe("positive");
    expect(generalLexiconPolarity("costs fell")).toBe("negative");
  });
});

describe("evaluation set", () => {
  it("has at least 300 unique sentences covering all three classes and the hard cases", () => {
    expect(EVAL_SENTENCES.length).toBeGreaterThanOrEqual(300);
    expect(new Set(EVAL_SENTENCES.map((sentence) => sentence.text)).size).toBe(
      EVAL_SENTENCES.length,
    );
    for (const label of ["positive", "negative", "neutral"]) {
      expect(EVAL_SENTENCES.filter((sentence) => sentence.label === label).length).toBeGreaterThan(
        60,
      );
    }
    const tags = new Set(EVAL_SENTENCES.map((sentence) => sentence.tag));
    for (const tag of ["negation", "direction-object", "mixed", "neutral-factual", "intensifier"]) {
      expect(tags.has(tag)).toBe(true);
    }
  });

  it("quality gate: engine macro-F1 ≥ 0.75 and above both baselines", () => {
    const rows = evaluate().filter((row) => row.split === "all");
    const [engine, general, majority] = rows;
    expect(engine?.method).toMatch(/^engine/);
    expect(engine?.scores.macroF1).toBeGreaterThanOrEqual(0.75);
    expect(engine?.scores.macroF1).toBeGreaterThan(general?.scores.macroF1 ?? 1);
    expect(engine?.scores.macroF1).toBeGreaterThan(majority?.scores.macroF1 ?? 1);
  });
});
