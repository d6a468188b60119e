// Splits the independent set into a development half and a held-out half, deterministically, and
// prints the counts table that README.md carries.
// Run: npx tsx eval/independent/split.ts [--write]   (inside packages/sentiment; --write rewrites
// the split field of sentences.json, then run `npx biome format --write` on it from the root)
//
// The split is a seeded shuffle stratified by label and primary kind (the first kind listed): each
// stratum is ordered by a hash of the seed and the sentence id, then dealt alternately to the two
// halves. A sentence's half depends only on its id, label and primary kind, so adding sentences
// never moves existing ones unless their stratum changes, and the integrity test recomputes it:
// nobody can quietly move a sentence from the held-out half into the one they tune on.

import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { HARD_KINDS, type IndependentSentence, KINDS, POLARITIES, type Split } from "./sentences";

export const SPLIT_SEED = "issue-15-independent-eval";

/** FNV-1a, 32 bits: a stable, dependency-free hash; the shuffle needs no more than that. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

type SplitInput = Pick<IndependentSentence, "id" | "label" | "kinds">;

/** The half each sentence belongs to, keyed by id. */
export function assignSplits(sentences: readonly SplitInput[]): Map<string, Split> {
  const strata = new Map<string, SplitInput[]>();
  for (const sentence of sentences) {
    const key = `${sentence.label}/${sentence.kinds[0] ?? "plain"}`;
    strata.set(key, [...(strata.get(key) ?? []), sentence]);
  }
  // Which half gets the odd sentence out of a stratum alternates per label, so every label's
  // halves differ by at most one sentence.
  const firstHalf = new Map<string, Split>();
  const splits = new Map<string, Split>();
  for (const key of [...strata.keys()].sort()) {
    const members = [...(strata.get(key) ?? [])].sort(
      (a, b) =>
        fnv1a(`${SPLIT_SEED}:${a.id}`) - fnv1a(`${SPLIT_SEED}:${b.id}`) || (a.id < b.id ? -1 : 1),
    );
    const label = key.split("/")[0] ?? "";
    const first = firstHalf.get(label) ?? "dev";
    const second: Split = first === "dev" ? "held-out" : "dev";
    members.forEach((sentence, position) => {
      splits.set(sentence.id, position % 2 === 0 ? first : second);
    });
    if (members.length % 2 === 1) firstHalf.set(label, second);
  }
  return splits;
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
  const splits = assignSplits(sentences);
  const assigned = sentences.map((sentence) => ({
    ...sentence,
    split: splits.get(sentence.id) ?? sentence.split,
  }));
  if (process.argv.includes("--write")) {
    writeFileSync(file, `${JSON.stringify(assigned, null, 2)}\n`);
  }
  console.log(countsTable(assigned));
}
