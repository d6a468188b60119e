// Prints the engine's accuracy and macro-F1 on the labelled finance sentences next to two baselines.
// Run: npm run eval -w @repo/sentiment   (add --errors to list the sentences the engine gets wrong)

import { analyzeSentiment } from "../src/engine";
import { ENGINE_VERSION } from "../src/labels";
import { generalLexiconPolarity, majorityClass } from "./baselines";
import { type Polarity, polarityOf, type Scores, score } from "./metrics";
import { EVAL_SENTENCES, type EvalSentence } from "./sentences";

export interface EvalRow {
  method: string;
  split: string;
  scores: Scores;
}

export function evaluate(sentences: readonly EvalSentence[] = EVAL_SENTENCES): EvalRow[] {
  // The majority class is learned on the dev split only, as a tuned model would be.
  const majority = majorityClass(
    sentences.filter((sentence) => sentence.split === "dev").map((sentence) => sentence.label),
  );
  const splits: [string, EvalSentence[]][] = [
    ["dev", sentences.filter((sentence) => sentence.split === "dev")],
    ["held-out", sentences.filter((sentence) => sentence.split === "held-out")],
    ["all", [...sentences]],
  ];
  const methods: [string, (text: string) => Polarity][] = [
    [`engine (${ENGINE_VERSION})`, (text) => polarityOf(analyzeSentiment(text).label)],
    ["general word list", generalLexiconPolarity],
    [`majority class (${majority})`, () => majority],
  ];
  const rows: EvalRow[] = [];
  for (const [split, subset] of splits) {
    if (subset.length === 0) continue;
    const gold = subset.map((sentence) => sentence.label);
    for (const [method, predict] of methods) {
      rows.push({
        method,
        split,
        scores: score(
          gold,
          subset.map((item) => predict(item.text)),
        ),
      });
    }
  }
  return rows;
}

function formatTable(rows: EvalRow[]): string {
  const header = ["split", "method", "n", "accuracy", "macro-F1", "F1 pos", "F1 neg", "F1 neu"];
  const body = rows.map((row) => [
    row.split,
    row.method,
    String(row.scores.count),
    row.scores.accuracy.toFixed(3),
    row.scores.macroF1.toFixed(3),
    row.scores.f1.positive.toFixed(3),
    row.scores.f1.negative.toFixed(3),
    row.scores.f1.neutral.toFixed(3),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...body.map((cells) => cells[column]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  return [
    line(header),
    `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`,
    ...body.map(line),
  ].join("\n");
}

function byTag(sentences: readonly EvalSentence[]): string {
  const tags = [...new Set(sentences.map((sentence) => sentence.tag))].sort();
  return tags
    .map((tag) => {
      const subset = sentences.filter((sentence) => sentence.tag === tag);
      const right = subset.filter(
        (sentence) => polarityOf(analyzeSentiment(sentence.text).label) === sentence.label,
      ).length;
      return `  ${tag.padEnd(18)} ${right}/${subset.length}`;
    })
    .join("\n");
}

const isMain = process.argv[1]?.endsWith("run.ts");
if (isMain) {
  console.log(`Finance sentiment evaluation: ${EVAL_SENTENCES.length} labelled sentences\n`);
  console.log(formatTable(evaluate()));
  console.log(`\nEngine accuracy by kind of sentence (all splits):\n${byTag(EVAL_SENTENCES)}`);
  if (process.argv.includes("--errors")) {
    console.log("\nEngine errors:");
    for (const sentence of EVAL_SENTENCES) {
      const result = analyzeSentiment(sentence.text);
      if (polarityOf(result.label) === sentence.label) continue;
      const evidence = result.evidence.map((item) => `${item.phrase}(${item.weight})`).join(", ");
      console.log(
        `  [${sentence.split}] gold ${sentence.label}, got ${result.label} ${result.score}: ${sentence.text}  {${evidence}}`,
      );
    }
  }
}
