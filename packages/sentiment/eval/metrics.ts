// Evaluation metrics for three-class sentiment: accuracy, per-class precision, recall and F1,
// macro-F1, the confusion matrix, and the same broken down by kind of sentence.

import type { SentimentLabel } from "../src/labels";

export type Polarity = "positive" | "negative" | "neutral";
export const POLARITIES: readonly Polarity[] = ["positive", "negative", "neutral"];

/** Five engine labels folded to the three classes the evaluation sets use. */
export function polarityOf(label: SentimentLabel): Polarity {
  if (label === "Bullish" || label === "Somewhat-Bullish") return "positive";
  if (label === "Bearish" || label === "Somewhat-Bearish") return "negative";
  return "neutral";
}

export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  /** Gold sentences of this class. */
  support: number;
}

export interface Scores {
  count: number;
  accuracy: number;
  macroF1: number;
  f1: Record<Polarity, number>;
  perClass: Record<Polarity, ClassScores>;
  /** `confusion[gold][predicted]`: how many sentences of class `gold` got label `predicted`. */
  confusion: Record<Polarity, Record<Polarity, number>>;
}

const ratio = (numerator: number, denominator: number) =>
  denominator === 0 ? 0 : numerator / denominator;

export function score(gold: readonly Polarity[], predicted: readonly Polarity[]): Scores {
  if (gold.length !== predicted.length) throw new Error("gold and predicted differ in length");
  const confusion = {} as Record<Polarity, Record<Polarity, number>>;
  for (const row of POLARITIES) confusion[row] = { positive: 0, negative: 0, neutral: 0 };
  gold.forEach((label, index) => {
    const guess = predicted[index];
    if (guess !== undefined) confusion[label][guess]++;
  });
  const correct = POLARITIES.reduce((sum, polarity) => sum + confusion[polarity][polarity], 0);
  const perClass = {} as Record<Polarity, ClassScores>;
  const f1 = {} as Record<Polarity, number>;
  for (const polarity of POLARITIES) {
    const truePositive = confusion[polarity][polarity];
    const predictedCount = POLARITIES.reduce((sum, row) => sum + confusion[row][polarity], 0);
    const support = POLARITIES.reduce((sum, column) => sum + confusion[polarity][column], 0);
    // A class never predicted and never present scores 0: macro-F1 then punishes a classifier
    // that ignores a class, which is what makes the majority baseline look as weak as it is.
    const classF1 = ratio(2 * truePositive, predictedCount + support);
    perClass[polarity] = {
      precision: ratio(truePositive, predictedCount),
      recall: ratio(truePositive, support),
      f1: classF1,
      support,
    };
    f1[polarity] = classF1;
  }
  const macroF1 = POLARITIES.reduce((sum, polarity) => sum + f1[polarity], 0) / POLARITIES.length;
  return {
    count: gold.length,
    accuracy: ratio(correct, gold.length),
    macroF1,
    f1,
    perClass,
    confusion,
  };
}

export interface KindScores {
  kind: string;
  count: number;
  accuracy: number;
  /**
   * Macro-F1 over the classes present in this kind's gold labels, or null when only one class is
   * (a kind made of neutral sentences has accuracy, not a meaningful F1 over three classes).
   */
  macroF1: number | null;
}

/**
 * Scores per kind of sentence. A sentence may have several kinds ("hedged" and "figures"); it
 * counts in each.
 */
export function scoreByKind(
  items: readonly { kinds: readonly string[]; gold: Polarity; predicted: Polarity }[],
): KindScores[] {
  const kinds = [...new Set(items.flatMap((item) => item.kinds))].sort();
  return kinds.map((kind) => {
    const subset = items.filter((item) => item.kinds.includes(kind));
    const scores = score(
      subset.map((item) => item.gold),
      subset.map((item) => item.predicted),
    );
    const present = POLARITIES.filter((polarity) => scores.perClass[polarity].support > 0);
    const macroF1 =
      present.length < 2
        ? null
        : present.reduce((sum, polarity) => sum + scores.perClass[polarity].f1, 0) / present.length;
    return { kind, count: subset.length, accuracy: scores.accuracy, macroF1 };
  });
}
