// Tests for the evaluation metrics, the sentence-file reader and the quality gates: the engine must
// reach macro-F1 ≥ 0.75 on the project's labelled finance sentences and beat both baselines.

import { describe, expect, it } from "vitest";
import { generalLexiconPolarity, majorityClass } from "./baselines";
import { polarityOf, score, scoreByKind } from "./metrics";
import { evaluateSet } from "./run";
import { EVAL_SENTENCES } from "./sentences";
import { heldOutLooks, independentSet, OWN_SET, parseSentences } from "./sets";

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

  it("reports precision, recall and the confusion matrix per class", () => {
    const result = score(
      ["positive", "positive", "negative", "neutral", "neutral"],
      ["positive", "neutral", "neutral", "neutral", "negative"],
    );
    expect(result.perClass.neutral).toEqual({
      precision: 1 / 3,
      recall: 1 / 2,
      f1: 2 / 5,
      support: 2,
    });
    expect(result.perClass.positive).toMatchObject({ precision: 1, recall: 1 / 2, support: 2 });
    expect(result.confusion.positive).toEqual({ positive: 1, negative: 0, neutral: 1 });
    expect(result.confusion.negative).toEqual({ positive: 0, negative: 0, neutral: 1 });
    expect(result.confusion.neutral).toEqual({ positive: 0, negative: 1, neutral: 1 });
  });

  it("scores each kind a sentence has, with macro-F1 only where a kind holds two classes", () => {
    const rows = scoreByKind([
      { kinds: ["figures", "hedged"], gold: "positive", predicted: "positive" },
      { kinds: ["figures"], gold: "negative", predicted: "neutral" },
      { kinds: ["hedged"], gold: "neutral", predicted: "neutral" },
      { kinds: ["loaded"], gold: "neutral", predicted: "negative" },
    ]);
    expect(rows.map((row) => [row.kind, row.count, row.accuracy])).toEqual([
      ["figures", 2, 0.5],
      ["hedged", 2, 1],
      ["loaded", 1, 0],
    ]);
    // figures: positive F1 1, negative F1 0 (neutral is absent from its gold labels).
    expect(rows[0]?.macroF1).toBe(0.5);
    expect(rows[2]?.macroF1).toBeNull();
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

describe("sentence files", () => {
  it("reads kinds from kind, kinds or tag and both spellings of the held-out split", () => {
    const parsed = parseSentences(
      [
        { text: "a", label: "Positive", kinds: ["figures", "hedged"], split: "dev" },
        { text: "b", label: "neutral", kind: "loaded", split: "heldout" },
        { text: "c", label: "negative", tag: "plain", split: "held-out" },
      ],
      "test",
    );
    expect(parsed.map((item) => [item.label, item.kinds, item.split])).toEqual([
      ["positive", ["figures", "hedged"], "dev"],
      ["neutral", ["loaded"], "heldout"],
      ["negative", ["plain"], "heldout"],
    ]);
  });

  it("refuses a sentence without a three-class label or a known split", () => {
    expect(() => parseSentences([{ text: "a", label: "bullish", split: "dev" }], "t")).toThrow(
      /label/,
    );
    expect(() => parseSentences([{ text: "a", label: "neutral", split: "test" }], "t")).toThrow(
      /split/,
    );
  });

  it("keeps a sentence's id when the file gives one", () => {
    const [item] = parseSentences(
      [{ id: "ind-0001", text: "a", label: "neutral", kinds: ["plain"], split: "dev" }],
      "t",
    );
    expect(item?.id).toBe("ind-0001");
  });

  it("reads the held-out look count from the README line", () => {
    expect(heldOutLooks("# Set\n\nHeld-out half scored: 2 times\n")).toBe(2);
    expect(heldOutLooks("Held-out half scored: 1 time")).toBe(1);
    expect(heldOutLooks("no count here")).toBeUndefined();
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
    const [all] = evaluateSet(OWN_SET, ["all"]);
    const [engine, general, majority] = all?.methods ?? [];
    expect(engine?.method).toMatch(/^engine/);
    expect(engine?.scores.macroF1).toBeGreaterThanOrEqual(0.75);
    expect(engine?.scores.macroF1).toBeGreaterThan(general?.scores.macroF1 ?? 1);
    expect(engine?.scores.macroF1).toBeGreaterThan(majority?.scores.macroF1 ?? 1);
  });
});

describe("independent set (development half only)", () => {
  // The held-out half is never scored here: every test run would be a look at it.
  it("quality gate: engine macro-F1 ≥ 0.90 on the development half and above both baselines", () => {
    const sentences = independentSet();
    expect(sentences?.length).toBeGreaterThanOrEqual(600);
    const [dev] = evaluateSet(sentences ?? [], ["dev"]);
    const [engine, general, majority] = dev?.methods ?? [];
    expect(dev?.split).toBe("dev");
    expect(engine?.scores.macroF1).toBeGreaterThanOrEqual(0.9);
    expect(engine?.scores.macroF1).toBeGreaterThan(general?.scores.macroF1 ?? 1);
    expect(engine?.scores.macroF1).toBeGreaterThan(majority?.scores.macroF1 ?? 1);
    for (const kind of engine?.kinds ?? [])
      expect(kind.accuracy, kind.kind).toBeGreaterThanOrEqual(0.8);
  });
});
