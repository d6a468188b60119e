// The labelled finance sentences (eval/sentences.json), typed. Written for this project; the
// "dev" split was written before the engine was tuned, "held-out" after, and never tuned on.

import type { Polarity } from "./metrics";
import data from "./sentences.json" with { type: "json" };

export interface EvalSentence {
  text: string;
  label: Polarity;
  /** The kind of sentence: plain, negation, direction-object, intensifier, mixed, neutral-factual, climate. */
  tag: string;
  split: "dev" | "held-out";
}

export const EVAL_SENTENCES: readonly EvalSentence[] = data as EvalSentence[];
