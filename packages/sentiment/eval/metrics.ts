// Evaluation metrics for three-class sentiment: accuracy, per-class F1 and macro-F1.

import type { SentimentLabel } from "../src/labels";

export type Polarity = "positive" | "negative" | "neutral";
export const POLARITIES: readonly Polarity[] = ["positive", "negative", "neutral"];

/** Five engine labels folded to the three classes the evaluation set uses. */
export function polarityOf(label: SentimentLabel): Polarity {
  if (label === "Bullish" || label === "Somewhat-Bullish") return "positive";
  if (label === "Bearish" || label === "Somewhat-Bearish") return "negative";
  return "neutral";
}

export interface Scores {
  count: number;
  accuracy: number;
  macroF1: number;
  f1: Record<Polarity, number>;
}

export function score(gold: readonly Polarity[], predicted: readonly Polarity[]): Scores {
  if (gold.length !== predicted.length) throw new Error("gold and predicted differ in length");
  const correct = gold.filter((label, index) => predicted[index] === label).length;
  const f1 = {} as Record<Polarity, number>;
  for (const polarity of POLARITIES) {
    let truePositive = 0;
    let falsePositive = 0;
    let falseNegative = 0;
    gold.forEach((label, index) => {
      const guess = predicted[index];
      if (guess === polarity && label === polarity) truePositive++;
      else if (guess === polarity) falsePositive++;
      else if (label === polarity) falseNegative++;
    });
    // A class never predicted and never present scores 0: macro-F1 then punishes a classifier
    // that ignores a class, which is what makes the majority baseline look as weak as it is.
    const denominator = 2 * truePositive + falsePositive + falseNegative;
    f1[polarity] = denominator === 0 ? 0 : (2 * truePositive) / denominator;
  }
  const macroF1 = POLARITIES.reduce((sum, polarity) => sum + f1[polarity], 0) / POLARITIES.length;
  return {
    count: gold.length,
    accuracy: gold.length === 0 ? 0 : correct / gold.length,
    macroF1,
    f1,
  };
}
