// The independent evaluation set (eval/independent/sentences.json), typed: 1087 finance sentences
// written blind, without reading the engine or its word lists, so they cannot reward tuning to them.

import data from "./sentences.json" with { type: "json" };

/** The hard kinds of sentence the set covers; a sentence carries every kind that applies. */
export const HARD_KINDS = [
  "figures",
  "expectations",
  "loaded-neutral",
  "direction-object",
  "mixed",
  "negation",
  "vocabulary",
  "hedged",
] as const;

/** `plain` marks a sentence with an obvious label and none of the hard kinds; it stands alone. */
export const KINDS = [...HARD_KINDS, "plain"] as const;

export type Kind = (typeof KINDS)[number];

/** The same three classes as eval/metrics.ts, declared here so nothing in this folder reaches the engine. */
export type Polarity = "positive" | "negative" | "neutral";
export const POLARITIES: readonly Polarity[] = ["positive", "negative", "neutral"];

export type Split = "dev" | "held-out";

export interface IndependentSentence {
  id: string;
  text: string;
  /** What the sentence means for an investor in `company` (the Financial PhraseBank convention). */
  label: Polarity;
  kinds: Kind[];
  /** The fictional company the label is about. */
  company: string;
  /** Tune on "dev"; score "held-out" only at the end of a round of work, and count the look. */
  split: Split;
}

export const INDEPENDENT_SENTENCES: readonly IndependentSentence[] = data as IndependentSentence[];
