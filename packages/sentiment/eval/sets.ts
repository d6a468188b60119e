// Labelled sentence files the evaluation reads, folded to one shape: the project's own set
// (eval/sentences.json) and the independent set written blind (eval/independent/sentences.json),
// or any file given on the command line with text, label, kind(s) and split.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Polarity } from "./metrics";
import { EVAL_SENTENCES } from "./sentences";

export interface LabelledSentence {
  text: string;
  label: Polarity;
  /** Kinds of sentence it belongs to ("figures", "negation", …); at least one. */
  kinds: string[];
  /** "dev" (tune on it) or "heldout" (score only at the end of a round of work). */
  split: "dev" | "heldout";
  /** The sentence's id, when its file gives one ("ind-0001"). */
  id?: string;
}

const HERE = dirname(fileURLToPath(import.meta.url));
export const INDEPENDENT_DIR = join(HERE, "independent");
export const INDEPENDENT_SET_PATH = join(INDEPENDENT_DIR, "sentences.json");
export const INDEPENDENT_README_PATH = join(INDEPENDENT_DIR, "README.md");

const LABELS = new Set<string>(["positive", "negative", "neutral"]);

function asStrings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === "string");
  return [];
}

/** The split names the two sets use ("held-out" in the project's own, "heldout" in the new one). */
function normaliseSplit(value: unknown): "dev" | "heldout" {
  if (value === "dev") return "dev";
  if (value === "heldout" || value === "held-out") return "heldout";
  throw new Error(`unknown split ${JSON.stringify(value)}`);
}

/** Reads a sentence file: a JSON array, or an object with a `sentences` array. */
export function parseSentences(json: unknown, source: string): LabelledSentence[] {
  const list = Array.isArray(json) ? json : (json as { sentences?: unknown } | null)?.sentences;
  if (!Array.isArray(list)) throw new Error(`${source}: expected an array of sentences`);
  return list.map((raw, index) => {
    const item = raw as Record<string, unknown>;
    const label = String(item.label ?? "").toLowerCase();
    if (typeof item.text !== "string" || !LABELS.has(label)) {
      throw new Error(`${source}[${index}]: needs text and a positive/negative/neutral label`);
    }
    const kinds = [...asStrings(item.kinds), ...asStrings(item.kind), ...asStrings(item.tag)];
    return {
      text: item.text,
      label: label as Polarity,
      kinds: kinds.length > 0 ? [...new Set(kinds)] : ["untagged"],
      split: normaliseSplit(item.split),
      ...(typeof item.id === "string" ? { id: item.id } : {}),
    };
  });
}

export function readSentenceFile(path: string): LabelledSentence[] {
  return parseSentences(JSON.parse(readFileSync(path, "utf8")), path);
}

/** The project's own 398 sentences (written alongside the engine, tuned on their dev split). */
export const OWN_SET: readonly LabelledSentence[] = EVAL_SENTENCES.map((sentence) => ({
  text: sentence.text,
  label: sentence.label,
  kinds: [sentence.tag],
  split: normaliseSplit(sentence.split),
}));

/** The independent set, or undefined before it has been added. */
export function independentSet(): LabelledSentence[] | undefined {
  return existsSync(INDEPENDENT_SET_PATH) ? readSentenceFile(INDEPENDENT_SET_PATH) : undefined;
}

const LOOKS = /Held-out half scored:\s*(\d+)\s*times?/i;

/** The "Held-out half scored: N times" count in the independent set's README, if present. */
export function heldOutLooks(readme: string): number | undefined {
  const match = LOOKS.exec(readme);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
