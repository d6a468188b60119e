// Splits the independent set into a development half and a held-out half, deterministically, and
// prints the counts table that README.md carries.
// Run inside packages/sentiment: npx tsx eval/independent/split.ts [--write | --search]
//   --write   rewrites the split field of sentences.json (then run `npx biome format --write` on it)
//   --search  prints the seed among 0..SEARCHED_SEEDS-1 that balances the halves best when it deals
//             the newest batch (the whole set while LATER_BATCHES is empty)
//
// A sentence's half depends only on its id and its batch's seed: a hash of the two, one bit.
// Nothing else moves it, so fixing a label, retagging kinds or adding sentences never carries a
// held-out sentence into the half people tune on. Balance comes from the choice of seed: SPLIT_SEED
// is the seed under which the first batch's halves matched best in every label and kind, and each
// later batch gets the seed under which the whole set's halves match best with the earlier batches
// left where they are (--search finds it; it looks only at labels and kinds, never at any engine
// output). The integrity test recomputes every sentence's half, so nobody can move one by hand.

import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { HARD_KINDS, type IndependentSentence, KINDS, POLARITIES, type Split } from "./sentences";

/** The seed of the first batch, ind-0001 to ind-0739, whose held-out half has been scored. */
export const SPLIT_SEED = 24_374;
export const SEARCHED_SEEDS = 100_000;

/**
 * Batches added later, each dealt by a seed of its own from its first id on (`first` 740 is
 * ind-0740), so that adding one never re-deals a sentence already in the set while the halves stay
 * the same size and mix. A new batch's seed is searched once, when it is added, before its held-out
 * half is ever scored.
 */
export const LATER_BATCHES: readonly { first: number; seed: number }[] = [
  { first: 740, seed: 7_522 },
];

/** The first id number of the newest batch, whose seed `searchSeed` looks for. */
export const NEWEST_BATCH_FIRST = LATER_BATCHES.at(-1)?.first ?? 1;

const idNumber = (id: string) => Number(id.slice("ind-".length));

/** The seed of the batch a sentence belongs to. */
export function seedOf(id: string): number {
  const number = idNumber(id);
  return LATER_BATCHES.findLast((batch) => number >= batch.first)?.seed ?? SPLIT_SEED;
}

/** FNV-1a over the text, then MurmurHash3's finaliser so every output bit depends on every input bit. */
function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193);
  }
  value ^= value >>> 16;
  value = Math.imul(value, 0x85ebca6b);
  value ^= value >>> 13;
  value = Math.imul(value, 0xc2b2ae35);
  value ^= value >>> 16;
  return value >>> 0;
}

/** The half a sentence belongs to under a seed, by default its batch's. */
export function splitOf(id: string, seed: number = seedOf(id)): Split {
  return hash(`${seed}:${id}`) % 2 === 0 ? "dev" : "held-out";
}

type SplitInput = Pick<IndependentSentence, "id" | "label" | "kinds">;

/**
 * The largest gap, over the labels and the kinds, between a group's share of the dev half and its
 * share of the held-out half, with the halves dealt by `deal` (by default as the set is dealt now).
 */
export function imbalance(
  sentences: readonly SplitInput[],
  deal: (id: string) => Split = (id) => splitOf(id),
): number {
  const groups: ((sentence: SplitInput) => boolean)[] = [
    ...POLARITIES.map((label) => (sentence: SplitInput) => sentence.label === label),
    ...KINDS.map((kind) => (sentence: SplitInput) => sentence.kinds.includes(kind)),
  ];
  const halves = sentences.map((sentence) => deal(sentence.id));
  const devSize = halves.filter((split) => split === "dev").length;
  const heldOutSize = sentences.length - devSize;
  if (devSize === 0 || heldOutSize === 0) return 1;
  let worst = 0;
  for (const inGroup of groups) {
    let dev = 0;
    let heldOut = 0;
    sentences.forEach((sentence, index) => {
      if (!inGroup(sentence)) return;
      if (halves[index] === "dev") dev += 1;
      else heldOut += 1;
    });
    worst = Math.max(worst, Math.abs(dev / devSize - heldOut / heldOutSize));
  }
  return worst;
}

/**
 * Deals the set with the batch starting at id number `first` under a seed of the caller's choice;
 * every sentence before that batch keeps the half it has now.
 */
export function batchDealer(
  sentences: readonly SplitInput[],
  first: number,
): (seed: number) => (id: string) => Split {
  const kept = new Map(
    sentences
      .filter((sentence) => idNumber(sentence.id) < first)
      .map((sentence) => [sentence.id, splitOf(sentence.id)]),
  );
  return (seed) => (id) => kept.get(id) ?? splitOf(id, seed);
}

/**
 * The seed below SEARCHED_SEEDS that, dealing the batch starting at id number `first`, leaves the
 * whole set with the smallest imbalance and halves within two sentences.
 */
export function searchSeed(
  sentences: readonly SplitInput[],
  first: number = NEWEST_BATCH_FIRST,
): number {
  const dealUnder = batchDealer(sentences, first);
  let best = 0;
  let bestImbalance = Number.POSITIVE_INFINITY;
  for (let seed = 0; seed < SEARCHED_SEEDS; seed += 1) {
    const deal = dealUnder(seed);
    const dev = sentences.filter((sentence) => deal(sentence.id) === "dev").length;
    if (Math.abs(2 * dev - sentences.length) > 2) continue;
    const gap = imbalance(sentences, deal);
    if (gap < bestImbalance) {
      best = seed;
      bestImbalance = gap;
    }
  }
  return best;
}

/** The counts table in README.md ("Counts"), by label, by kind and by split. */
export function countsTable(sentences: readonly IndependentSentence[]): string {
  const halves: [string, readonly IndependentSentence[]][] = [
    ["dev", sentences.filter((sentence) => sentence.split === "dev")],
    ["held-out", sentences.filter((sentence) => sentence.split === "held-out")],
    ["all", sentences],
  ];
  const rows: [string, (sentence: IndependentSentence) => boolean][] = [
    ["sentences", () => true],
    ...POLARITIES.map((label): [string, (sentence: IndependentSentence) => boolean] => [
      `label ${label}`,
      (sentence) => sentence.label === label,
    ]),
    ...KINDS.map((kind): [string, (sentence: IndependentSentence) => boolean] => [
      `kind ${kind}`,
      (sentence) => sentence.kinds.includes(kind),
    ]),
    [
      "hard (any kind but plain)",
      (sentence) => sentence.kinds.some((kind) => (HARD_KINDS as readonly string[]).includes(kind)),
    ],
  ];
  return [
    `| count | ${halves.map(([name]) => name).join(" | ")} |`,
    `|---|${halves.map(() => "---:").join("|")}|`,
    ...rows.map(
      ([name, test]) =>
        `| ${name} | ${halves.map(([, subset]) => subset.filter(test).length).join(" | ")} |`,
    ),
  ].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = fileURLToPath(new URL("./sentences.json", import.meta.url));
  const sentences = JSON.parse(readFileSync(file, "utf8")) as IndependentSentence[];
  if (process.argv.includes("--search")) {
    const seed = searchSeed(sentences);
    const points = imbalance(sentences, batchDealer(sentences, NEWEST_BATCH_FIRST)(seed)) * 100;
    console.log(
      `batch from id ${NEWEST_BATCH_FIRST}: best seed ${seed}, imbalance ${points.toFixed(2)} points`,
    );
  } else {
    const assigned = sentences.map((sentence) => ({ ...sentence, split: splitOf(sentence.id) }));
    if (process.argv.includes("--write")) {
      writeFileSync(file, `${JSON.stringify(assigned, null, 2)}\n`);
    }
    console.log(countsTable(assigned));
  }
}
