// Figures and the yardsticks they are read against: a result above or below an expectation
// ("below forecasts", "$1.25 vs $1.31 est.", "analysts had expected $0.91"), against an earlier
// period ("EUR 13.1 mn (EUR 8.7 mn)", "12.4% compared with 10.1% a year earlier"), and signed
// moves with no verb at all ("shares -4%", "revenue +12% y/y").
//
// Whether a higher figure is good depends on what it measures: a loss of $0.12 against an
// expected $0.15 beats; costs above budget miss. The caller says, for each position, which
// quantity is the nearest subject and which way it should move.

import {
  ABOVE_MARKERS,
  BELOW_MARKERS,
  EXPECTATION_WORDS,
  EXPECTED_FIGURE_WORDS,
  PRIOR_PERIOD_WORDS,
  REFERENCE_MARKERS,
} from "./lexicon";
import type { Token } from "./tokenize";

export interface Figure {
  first: number;
  last: number;
  /** The value in base units (a range is its midpoint); percentages and basis points in percent. */
  value: number;
  percent: boolean;
  /** Whether it had a scale word (million, bn, …), which makes sizes comparable across figures. */
  scaled: boolean;
}

export interface Comparison {
  first: number;
  last: number;
  anchor: number;
  /** Signed, before the object's polarity is applied. */
  sign: 1 | -1;
  weight: number;
  /** Verdicts on expectations outweigh the moves reported in the same sentence. */
  verdict: boolean;
  /** The token the subject quantity is looked up from (the figure, or the marker). */
  subjectAt: number;
  /** Signed moves ("-4%") pair only with a quantity right before them, in their clause. */
  signed: boolean;
  /** The polarity the yardstick itself implies: a budget caps spending, so under it is good. */
  measures?: 1 | -1;
}

const SCALES: Readonly<Record<string, number>> = {
  thousand: 1e3,
  k: 1e3,
  million: 1e6,
  mn: 1e6,
  mln: 1e6,
  m: 1e6,
  billion: 1e9,
  bn: 1e9,
  bln: 1e9,
  b: 1e9,
  trillion: 1e12,
  tn: 1e12,
  cents: 0.01,
  cent: 0.01,
  c: 0.01,
  p: 0.01,
  pence: 0.01,
};
const BASIS_POINTS = new Set(["bps", "bp", "bsp"]);
const MULTIPLES = new Set(["x", "times"]);
const RANGE_JOINERS = new Set(["-", "–", "to"]);
const SIGNS = new Map<string, 1 | -1>([
  ["+", 1],
  ["-", -1],
  ["−", -1],
]);

// Weights: an expectation verdict is headline news, an earlier-period comparison a plain move.
const EXPECTATION_WEIGHT = 1.6;
const PRIOR_WEIGHT = 1;
const BARE_REFERENCE_WEIGHT = 1.2;
const POSITIONAL_WEIGHT = 1.6;
const SIGNED_WEIGHT = 1;
// "$0.97 vs $0.96 est." and "+2.0% vs +2.1%" are in line, not a beat or a miss.
const IN_LINE = 0.015;
const IN_LINE_POINTS = 0.1;
// Figures more than this factor apart measure different things ("$10M vs full-year $45M").
const COMPARABLE = 8;
const MARKER_REACH = 9;
const BRACKET_REACH = 7;
const FIGURE_LOOKBACK = 15;
const REFERENCE_REACH = 4;

function toNumber(text: string): number {
  const digits = text.replace(/[$€£%]/g, "");
  // "4,200" is four thousand two hundred; "1,5" a decimal comma.
  const normalised = /,\d{3}(?!\d)/.test(digits)
    ? digits.replaceAll(",", "")
    : digits.replace(",", ".");
  return Number.parseFloat(normalised);
}

const adjacent = (left: Token | undefined, right: Token | undefined) =>
  left !== undefined && right !== undefined && left.end === right.start;

/**
 * The sign written against the number at `at` ("-4%", "+12%"), or undefined. A sign must follow a
 * space, the start, or an opening bracket: "3-4%" and "$4.1B-$4.3B" are ranges.
 */
function signOf(tokens: readonly Token[], at: number): 1 | -1 | undefined {
  const sign = tokens[at - 1];
  const direction = sign ? SIGNS.get(sign.text) : undefined;
  if (!direction || !adjacent(sign, tokens[at])) return undefined;
  const before = tokens[at - 2];
  return before === undefined || !adjacent(before, sign) || before.text === "("
    ? direction
    : undefined;
}

/** "Q1", "FY24", "H2" and years such as 2027 name a period, not an amount. */
function isLabel(tokens: readonly Token[], at: number): boolean {
  const token = tokens[at];
  if (!token) return false;
  const previous = tokens[at - 1];
  if (previous?.kind === "word" && adjacent(previous, token)) return true;
  return /^(19|20)\d\d$/.test(token.text) && !/^[$€£]/.test(token.text);
}

/** Every figure in the text, with its scale, percent or basis-point unit, and range midpoint. */
export function findFigures(tokens: readonly Token[]): Figure[] {
  const figures: Figure[] = [];
  let index = 0;
  while (index < tokens.length) {
    const token = tokens[index];
    if (token?.kind !== "number" || isLabel(tokens, index)) {
      index++;
      continue;
    }
    const read = (at: number) => {
      const number = tokens[at];
      let value = toNumber(number?.text ?? "");
      let percent = number?.text.endsWith("%") ?? false;
      let scaled = false;
      let last = at;
      const unit = tokens[at + 1]?.text ?? "";
      const afterUnit = tokens[at + 2]?.text ?? "";
      if (!percent && SCALES[unit] !== undefined) {
        value *= SCALES[unit] ?? 1;
        scaled = true;
        last = at + 1;
      } else if (
        !percent &&
        (BASIS_POINTS.has(unit) || (unit === "basis" && afterUnit.startsWith("point")))
      ) {
        value /= 100;
        percent = true;
        last = unit === "basis" ? at + 2 : at + 1;
      } else if (!percent && unit === "percent") {
        percent = true;
        last = at + 1;
      } else if (!percent && MULTIPLES.has(unit) && adjacent(number, tokens[at + 1])) {
        // "2.1x": a multiple, compared like any amount.
        last = at + 1;
      }
      // "-$0.12": a minus sign written against the number, not a range dash after another figure.
      if (signOf(tokens, at) === -1) value = -value;
      return { value, percent, scaled, last };
    };
    const head = read(index);
    let figure: Figure = { first: index, ...head };
    const joiner = tokens[head.last + 1];
    if (joiner && RANGE_JOINERS.has(joiner.text) && tokens[head.last + 2]?.kind === "number") {
      const tail = read(head.last + 2);
      if (tail.percent === head.percent) {
        // "$4.1-4.3bn": the scale written once applies to both ends.
        const headValue =
          !head.scaled && tail.scaled
            ? head.value * (tail.value / toNumber(tokens[head.last + 2]?.text ?? "1"))
            : head.value;
        figure = {
          first: index,
          last: tail.last,
          value: (headValue + tail.value) / 2,
          percent: head.percent,
          scaled: head.scaled || tail.scaled,
        };
      }
    }
    figures.push(figure);
    index = figure.last + 1;
  }
  return figures;
}

function markerSet(entries: readonly string[]): Map<string, string[][]> {
  const byHead = new Map<string, string[][]>();
  for (const entry of entries) {
    const words = entry.split(" ");
    const head = words[0] ?? "";
    byHead.set(head, [...(byHead.get(head) ?? []), words]);
  }
  return byHead;
}

const ABOVE = markerSet(ABOVE_MARKERS);
const BELOW = markerSet(BELOW_MARKERS);
const REFERENCES = markerSet(REFERENCE_MARKERS);
const EXPECTATIONS = new Set(EXPECTATION_WORDS);
const EXPECTED_FIGURES = new Set(EXPECTED_FIGURE_WORDS);
const PRIOR = new Set(PRIOR_PERIOD_WORDS);
const LOOSE_DEGREES = new Map<string, 1 | -1>([
  ["more", 1],
  ["less", -1],
  ["fewer", -1],
]);
const LOOSE_REACH = 3;
const SPENDING_YARDSTICKS = new Set(["budget", "budgeted"]);
const GUIDANCE = new Set(["guide", "guided", "guidance"]);
/** Markers of degree measure the move before them ("narrowed more than forecast"). */
export const DEGREE_MARKERS = new Set(["more", "less", "greater"]);
const CLAUSE_STOPS = new Set([",", ";", ".", ":", "!", "?", "(", ")", "—", "–"]);

/** Index of the last token of a marker starting at `at`, or -1. */
function markerAt(tokens: readonly Token[], at: number, markers: Map<string, string[][]>): number {
  let best = -1;
  for (const words of markers.get(tokens[at]?.text ?? "") ?? []) {
    const matches = words.every((word, offset) => tokens[at + offset]?.text === word);
    if (matches) best = Math.max(best, at + words.length - 1);
  }
  return best;
}

export interface ComparisonInput {
  tokens: readonly Token[];
  sentence: readonly number[];
  /** Tokens already inside a lexicon phrase ("fell short of expectations" is judged there). */
  covered: (index: number) => boolean;
  /** Counts each inner-loop step, for the cost test. */
  step: () => void;
  /** -1 when the figure measures a fall ("fell 3%", "a 10% decline"), else 1. */
  moveSign: (first: number, last: number) => 1 | -1;
}

/**
 * Expectation and prior-period comparisons, and signed moves. Linear: each marker looks a fixed
 * number of tokens ahead, each reference figure a fixed number back.
 */
export function findComparisons(input: ComparisonInput): Comparison[] {
  const { tokens, sentence, covered, step, moveSign } = input;
  const comparisons: Comparison[] = [];
  // Tokens inside a positional verdict ("below the 5% analysts expected").
  const positional = new Uint8Array(tokens.length);

  // "Revenue came in below forecasts", "costs were under budget", "ahead of the consensus".
  for (let at = 0; at < tokens.length; at++) {
    step();
    if (covered(at)) continue;
    let aboveEnd = markerAt(tokens, at, ABOVE);
    let belowEnd = aboveEnd < 0 ? markerAt(tokens, at, BELOW) : -1;
    // "produce more gas than first estimated": a degree word, its noun, then "than".
    const loose = LOOSE_DEGREES.get(tokens[at]?.text ?? "");
    if (aboveEnd < 0 && belowEnd < 0 && loose !== undefined) {
      for (let look = at + 1; look <= at + LOOSE_REACH; look++) {
        const text = tokens[look]?.text ?? "";
        if (CLAUSE_STOPS.has(text)) break;
        if (text !== "than") continue;
        if (loose > 0) aboveEnd = look;
        else belowEnd = look;
        break;
      }
    }
    const end = Math.max(aboveEnd, belowEnd);
    if (end < 0) continue;
    for (let look = end + 1; look <= end + MARKER_REACH && look < tokens.length; look++) {
      step();
      const text = tokens[look]?.text ?? "";
      if (CLAUSE_STOPS.has(text)) break;
      if (!EXPECTATIONS.has(text)) continue;
      positional.fill(1, at, look + 1);
      comparisons.push({
        first: at,
        last: look,
        anchor: at,
        sign: aboveEnd >= 0 ? 1 : -1,
        weight: POSITIONAL_WEIGHT,
        verdict: true,
        subjectAt: at,
        signed: false,
        measures: SPENDING_YARDSTICKS.has(text) ? -1 : undefined,
      });
      at = look;
      break;
    }
  }

  // Figures against figures.
  const figures = findFigures(tokens);
  const referenceOf = (
    figure: Figure,
    position: number,
  ): "expectation" | "prior" | "bare" | undefined => {
    const before = (distance: number) => tokens[figure.first - distance]?.text ?? "";
    const after = (distance: number) => tokens[figure.last + distance]?.text ?? "";
    let marked = false;
    for (let distance = 1; distance <= REFERENCE_REACH; distance++) {
      step();
      const word = before(distance);
      if (tokens[figure.first - distance]?.kind === "number") break;
      const start = figure.first - distance;
      // "up from $35m", "(from $52)": "from" marks the earlier figure only right before it.
      const far = tokens[start]?.text === "from" && distance > 2;
      if (markerAt(tokens, start, REFERENCES) >= 0 && !far) {
        marked = true;
        break;
      }
      if (CLAUSE_STOPS.has(word) && word !== ".") break;
    }
    // "EUR 13.1 mn (EUR 8.7 mn)": a figure in brackets right after another is the earlier period.
    const previous = figures[position - 1];
    // "12.6% (Q1: 11.8%)", "96.1% (prior year 88.0%)": a label may name the period.
    const bracketed =
      previous !== undefined &&
      figure.first - previous.last <= BRACKET_REACH &&
      after(1) === ")" &&
      tokens.slice(previous.last + 1, figure.first).some((token) => token.text === "(");
    let expectation = false;
    let prior = false;
    for (let distance = 1; distance <= REFERENCE_REACH; distance++) {
      step();
      const ahead = after(distance);
      if (CLAUSE_STOPS.has(ahead) || tokens[figure.last + distance]?.kind === "number") break;
      if (EXPECTED_FIGURES.has(ahead)) expectation = true;
      if (PRIOR.has(ahead)) prior = true;
    }
    for (let distance = 1; distance <= REFERENCE_REACH; distance++) {
      step();
      const word = before(distance);
      if (tokens[figure.first - distance]?.kind === "number" || CLAUSE_STOPS.has(word)) break;
      // "rev guide $480-500m; consensus $552m": the company's own guidance is the yardstick only
      // in brackets after the result ("412koz (guide 380-400koz)").
      if (GUIDANCE.has(word) && !bracketed) continue;
      if (EXPECTED_FIGURES.has(word)) expectation = true;
    }
    if (expectation && !prior) return "expectation";
    if (bracketed || (marked && prior)) return "prior";
    if (marked) return "bare";
    return undefined;
  };
  const kinds = figures.map((figure, position) => referenceOf(figure, position));
  // Figures a comparison already judged ("comps +2.0% vs +2.1% consensus") are not moves as well.
  const involved = new Set<number>();
  figures.forEach((reference, position) => {
    const kind = kinds[position];
    if (kind === undefined) return;
    // "rose 3%, below the 5% analysts expected" is one verdict, already read from "below".
    if (positional[reference.first] === 1) return;
    // The figure being judged: the nearest one before that is not itself a yardstick, in this
    // sentence or the one before ("EPS was $0.88. Analysts had expected $0.91.").
    let actual: Figure | undefined;
    for (let back = position - 1; back >= 0; back--) {
      step();
      const candidate = figures[back];
      if (!candidate || reference.first - candidate.last > FIGURE_LOOKBACK) break;
      if ((sentence[reference.first] ?? 0) - (sentence[candidate.first] ?? 0) > 1) break;
      if (kinds[back] !== undefined) continue;
      actual = candidate;
      break;
    }
    if (!actual || actual.percent !== reference.percent) return;
    involved.add(actual.first);
    involved.add(reference.first);
    // "fell 3%, a smaller drop than the 10% decline analysts had braced for": compare the moves.
    const actualValue = actual.value * moveSign(actual.first, actual.last);
    const referenceValue = reference.value * moveSign(reference.first, reference.last);
    const gap = actualValue - referenceValue;
    const base = Math.max(Math.abs(actualValue), Math.abs(referenceValue));
    // Percentages are in line within a tenth of a point, amounts within a percent and a half.
    const inLine = actual.percent
      ? Math.abs(gap) <= IN_LINE_POINTS + Number.EPSILON * base
      : Math.abs(gap) <= IN_LINE * base;
    if (base === 0 || inLine) return;
    const ratio = Math.abs(actual.value) / Math.max(Math.abs(reference.value), Number.MIN_VALUE);
    if (actual.value !== 0 && (ratio > COMPARABLE || ratio < 1 / COMPARABLE)) return;
    comparisons.push({
      first: actual.first,
      last: reference.last,
      anchor: actual.first,
      sign: gap > 0 ? 1 : -1,
      weight:
        kind === "expectation"
          ? EXPECTATION_WEIGHT
          : kind === "prior"
            ? PRIOR_WEIGHT
            : BARE_REFERENCE_WEIGHT,
      verdict: kind === "expectation",
      subjectAt: actual.first,
      signed: false,
    });
  });

  // "Shares -4%", "revenue +12% y/y", "margin +80bps": a sign written against a percentage.
  for (const figure of figures) {
    step();
    const direction = signOf(tokens, figure.first);
    if (!direction || !figure.percent || involved.has(figure.first)) continue;
    comparisons.push({
      first: figure.first - 1,
      last: figure.last,
      anchor: figure.first - 1,
      sign: direction,
      weight: SIGNED_WEIGHT,
      verdict: false,
      subjectAt: figure.first - 1,
      signed: true,
    });
  }
  return comparisons;
}
