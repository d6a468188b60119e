// Baselines the engine is measured against: always answering the most common class, and a tiny
// general-purpose word list with no finance rules (no negation, no direction × object).

import type { Polarity } from "./metrics";

export function majorityClass(labels: readonly Polarity[]): Polarity {
  const counts = new Map<Polarity, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  return (
    [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ??
    "neutral"
  );
}

// The kind of words a general sentiment list scores; deliberately small and finance-blind.
const GENERAL_WORDS: Readonly<Record<string, number>> = {
  good: 1,
  great: 2,
  excellent: 2,
  strong: 1,
  positive: 1,
  best: 2,
  better: 1,
  success: 1,
  successful: 1,
  win: 1,
  won: 1,
  gain: 1,
  gains: 1,
  growth: 1,
  improve: 1,
  improved: 1,
  happy: 1,
  boost: 1,
  benefit: 1,
  record: 1,
  welcome: 1,
  welcomed: 1,
  bad: -1,
  poor: -1,
  weak: -1,
  negative: -1,
  worst: -2,
  worse: -1,
  fail: -1,
  failed: -1,
  failure: -1,
  loss: -1,
  losses: -1,
  problem: -1,
  crisis: -2,
  risk: -1,
  concern: -1,
  concerns: -1,
  warning: -1,
  warned: -1,
  cut: -1,
  fell: -1,
  decline: -1,
  declined: -1,
  drop: -1,
  dropped: -1,
  lower: -1,
  higher: 1,
  rose: 1,
  rise: 1,
  disappointing: -2,
  damage: -1,
  fraud: -2,
  fear: -1,
  fears: -1,
};

export function generalLexiconPolarity(text: string): Polarity {
  let total = 0;
  for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) total += GENERAL_WORDS[word] ?? 0;
  return total > 0 ? "positive" : total < 0 ? "negative" : "neutral";
}
