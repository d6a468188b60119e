// Scores the engine on labelled finance sentences next to two baselines: macro-F1, per-class
// precision/recall/F1, the confusion matrix and accuracy by kind of sentence.
//
//   npm run eval -w @repo/sentiment                      the project's set, and the independent
//                                                        set's development half
//   npm run eval -w @repo/sentiment -- --heldout         also the independent held-out half (a look:
//                                                        record it in eval/independent/README.md),
//                                                        whole and the first batch's (ind-0001 to
//                                                        ind-0739) alone, comparable with looks 1-3
//   npm run eval -w @repo/sentiment -- --set file.json   any file of {text, label, kind(s), split}
//   npm run eval -w @repo/sentiment -- --errors          every development sentence the engine misses

import { readFileSync } from "node:fs";
import { analyzeSentiment } from "../src/engine";
import { ENGINE_VERSION } from "../src/labels";
import { generalLexiconPolarity, majorityClass } from "./baselines";
import { LATER_BATCHES } from "./independent/split";
import {
  type KindScores,
  POLARITIES,
  type Polarity,
  polarityOf,
  type Scores,
  score,
  scoreByKind,
} from "./metrics";
import {
  heldOutLooks,
  INDEPENDENT_README_PATH,
  INDEPENDENT_SET_PATH,
  independentSet,
  type LabelledSentence,
  OWN_SET,
  readSentenceFile,
} from "./sets";

export type SplitName = "dev" | "heldout" | "all";

export interface MethodReport {
  method: string;
  scores: Scores;
  kinds: KindScores[];
}

export interface SplitReport {
  split: SplitName;
  count: number;
  /** Engine first, then the general word list, then the majority class. */
  methods: MethodReport[];
}

export const enginePolarity = (text: string): Polarity => polarityOf(analyzeSentiment(text).label);

export function evaluateSet(
  sentences: readonly LabelledSentence[],
  splits: readonly SplitName[] = ["dev"],
): SplitReport[] {
  // The majority class is learned on the development split only, as a tuned model would be.
  const majority = majorityClass(
    sentences.filter((sentence) => sentence.split === "dev").map((sentence) => sentence.label),
  );
  const methods: [string, (text: string) => Polarity][] = [
    [`engine (${ENGINE_VERSION})`, enginePolarity],
    ["general word list", generalLexiconPolarity],
    [`majority class (${majority})`, () => majority],
  ];
  const reports: SplitReport[] = [];
  for (const split of splits) {
    const subset = sentences.filter((sentence) => split === "all" || sentence.split === split);
    if (subset.length === 0) continue;
    const gold = subset.map((sentence) => sentence.label);
    reports.push({
      split,
      count: subset.length,
      methods: methods.map(([method, predict]) => {
        const predicted = subset.map((sentence) => predict(sentence.text));
        return {
          method,
          scores: score(gold, predicted),
          kinds: scoreByKind(
            subset.map((sentence, index) => ({
              kinds: sentence.kinds,
              gold: sentence.label,
              predicted: predicted[index] ?? "neutral",
            })),
          ),
        };
      }),
    });
  }
  return reports;
}

function table(header: string[], body: string[][]): string {
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

const fixed = (value: number | null) => (value === null ? "–" : value.toFixed(3));

function methodTable(reports: readonly SplitReport[]): string {
  return table(
    ["split", "method", "n", "accuracy", "macro-F1", "F1 pos", "F1 neg", "F1 neu"],
    reports.flatMap((report) =>
      report.methods.map(({ method, scores }) => [
        report.split,
        method,
        String(scores.count),
        fixed(scores.accuracy),
        fixed(scores.macroF1),
        fixed(scores.f1.positive),
        fixed(scores.f1.negative),
        fixed(scores.f1.neutral),
      ]),
    ),
  );
}

function classTable(scores: Scores): string {
  return table(
    ["class", "precision", "recall", "F1", "support"],
    POLARITIES.map((polarity) => {
      const row = scores.perClass[polarity];
      return [
        polarity,
        fixed(row.precision),
        fixed(row.recall),
        fixed(row.f1),
        String(row.support),
      ];
    }),
  );
}

function confusionTable(scores: Scores): string {
  return table(
    ["gold \\ engine", ...POLARITIES],
    POLARITIES.map((gold) => [
      gold,
      ...POLARITIES.map((predicted) => String(scores.confusion[gold][predicted])),
    ]),
  );
}

function kindTable(report: SplitReport): string {
  const [engine, general] = report.methods;
  const generalByKind = new Map(general?.kinds.map((row) => [row.kind, row]));
  return table(
    ["kind", "n", "engine accuracy", "engine macro-F1", "general list accuracy"],
    (engine?.kinds ?? []).map((row) => [
      row.kind,
      String(row.count),
      fixed(row.accuracy),
      fixed(row.macroF1),
      fixed(generalByKind.get(row.kind)?.accuracy ?? null),
    ]),
  );
}

function splitDetails(title: string, report: SplitReport): string {
  const engine = report.methods[0];
  if (!engine) return "";
  return [
    `${title}: engine per class\n\n${classTable(engine.scores)}`,
    `${title}: confusion matrix (rows gold, columns engine)\n\n${confusionTable(engine.scores)}`,
    `${title}: by kind (macro-F1 over the classes a kind contains; – when it has one)\n\n${kindTable(report)}`,
  ].join("\n\n");
}

function errors(sentences: readonly LabelledSentence[]): string {
  return sentences
    .filter((sentence) => sentence.split === "dev")
    .flatMap((sentence) => {
      const result = analyzeSentiment(sentence.text);
      if (polarityOf(result.label) === sentence.label) return [];
      const evidence = result.evidence.map((item) => `${item.phrase}(${item.weight})`).join(", ");
      return [
        `  [${sentence.kinds.join(",")}] gold ${sentence.label}, got ${result.label} ${result.score}: ${sentence.text}  {${evidence}}`,
      ];
    })
    .join("\n");
}

function heldOutReminder(): string {
  let looks: number | undefined;
  try {
    looks = heldOutLooks(readFileSync(INDEPENDENT_README_PATH, "utf8"));
  } catch {
    looks = undefined;
  }
  const count = looks === undefined ? "its" : `the ${looks} in its`;
  return [
    "This run scored the held-out half: that is a look at it.",
    `Record it: raise ${count} "Held-out half scored: N times" line in ${INDEPENDENT_README_PATH}`,
    "in the same commit as the numbers, and tune on the development half only.",
  ].join("\n");
}

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1];
}

const isMain = process.argv[1]?.endsWith("run.ts");
if (isMain) {
  const withHeldOut = process.argv.includes("--heldout");
  const withErrors = process.argv.includes("--errors");
  const splits: SplitName[] = withHeldOut ? ["dev", "heldout"] : ["dev"];
  const file = argument("--set");
  const sections: string[] = [];

  if (file === undefined) {
    const own = evaluateSet(OWN_SET, ["dev", "heldout", "all"]);
    sections.push(
      `Project set (eval/sentences.json): ${OWN_SET.length} sentences written with the engine\n\n${methodTable(own)}`,
    );
    const all = own.find((report) => report.split === "all");
    if (all) sections.push(`Project set, all splits: by kind\n\n${kindTable(all)}`);
    if (withErrors) sections.push(`Project set, engine errors (dev):\n${errors(OWN_SET)}`);
  }

  const path = file ?? INDEPENDENT_SET_PATH;
  const independent = file === undefined ? independentSet() : readSentenceFile(file);
  if (independent === undefined) {
    sections.push(`Independent set: not present (${INDEPENDENT_SET_PATH}).`);
  } else {
    const reports = evaluateSet(independent, splits);
    const counts = ["dev", "heldout"]
      .map((split) => `${independent.filter((item) => item.split === split).length} ${split}`)
      .join(", ");
    sections.push(
      `Independent set (${path}): ${independent.length} sentences (${counts})\n\n${methodTable(reports)}`,
    );
    for (const report of reports) {
      const title = report.split === "dev" ? "Development half" : "HELD-OUT half";
      sections.push(splitDetails(title, report));
    }
    if (withHeldOut && file === undefined) {
      // The first batch alone, so that a look stays comparable with the looks before the second.
      const first = LATER_BATCHES[0]?.first ?? Number.POSITIVE_INFINITY;
      const batch = independent.filter((item) => Number(item.id?.slice("ind-".length)) < first);
      const [report] = evaluateSet(batch, ["heldout"]);
      const title = `HELD-OUT half, first batch only (ids below ind-${String(first).padStart(4, "0")})`;
      if (report) {
        sections.push(`${title}\n\n${methodTable([report])}`, splitDetails(title, report));
      }
    }
    if (withErrors)
      sections.push(
        `Independent set, engine errors (development half only):\n${errors(independent)}`,
      );
    if (withHeldOut) sections.push(heldOutReminder());
    else sections.push("Held-out half not scored (add --heldout at the end of a round of work).");
  }
  console.log(sections.join("\n\n"));
}
