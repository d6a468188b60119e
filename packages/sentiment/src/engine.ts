// The sentiment engine: lexicon and phrase matching, direction × object pairing, negation,
// intensifiers and contrast, folded into a score in [-1, 1] with the evidence behind it.

import { labelForScore, type SentimentLabel } from "./labels";
import {
  CLAUSE_BREAKS,
  CONCESSION_MARKERS,
  CONTRAST_MARKERS,
  DIRECTIONS,
  type DirectionEntry,
  FAILURE_NEGATORS,
  HEDGE_MARKERS,
  INTENSIFIERS,
  LEXICON,
  NEGATION_BREAKS,
  NEGATORS,
  OBJECTS,
  type ObjectEntry,
} from "./lexicon";
import { type Token, tokenize } from "./tokenize";

export interface SentimentEvidence {
  /** The matched text, exactly as it appears in the input. */
  phrase: string;
  /** Character offsets into the input: `text.slice(start, end) === phrase`. */
  start: number;
  end: number;
  /** Signed contribution to the raw score, after negation, intensifiers and contrast. */
  weight: number;
  /** Why it counted: "lexicon", "phrase", "direction-object", "intensifier" or "negation". */
  rule: string;
}

export interface SentimentResult {
  score: number;
  label: SentimentLabel;
  confidence: number;
  evidence: SentimentEvidence[];
}

// A negated signal keeps most of its strength with the opposite sign: "did not beat" is about as
// bad as "missed", "not bad" is weaker praise than "good".
const NEGATION_FACTOR = -0.75;
const NEGATION_REACH = 4;
const INTENSIFIER_REACH = 2;
const CONTRAST_BEFORE = 0.5;
const CONTRAST_AFTER = 1.5;
const CONCESSION_FACTOR = 0.5;
// A question asserts nothing: "Will X beat estimates?" is a preview, not a result.
const QUESTION_FACTOR = 0.2;
// Squashes the raw sum into (-1, 1): one clear signal (weight 1) lands near 0.3, Somewhat-*;
// two or a strong one pass 0.35, the full label.
const SQUASH_ALPHA = 10;

type Role =
  | "lexicon"
  | "object"
  | "direction"
  | "negator"
  | "intensifier"
  | "contrast"
  | "concession"
  | "hedge";

interface Pattern {
  tokens: string[];
  role: Role;
  weight: number;
  object?: ObjectEntry;
  direction?: DirectionEntry;
}

interface Span {
  role: Role;
  first: number;
  last: number;
  pattern: Pattern;
}

interface Unit {
  first: number;
  last: number;
  anchor: number;
  weight: number;
  rule: string;
}

const GAP = "*";
const MAX_GAP = 2;

// Earlier roles win when two patterns match the same tokens: an evaluative phrase says more than a
// bare movement word.
const ROLE_PRIORITY: Role[] = [
  "lexicon",
  "object",
  "direction",
  "negator",
  "intensifier",
  "contrast",
  "concession",
  "hedge",
];

function patternTokens(pattern: string): string[] {
  return pattern === GAP
    ? [GAP]
    : pattern
        .split(" ")
        .flatMap((part) => (part === GAP ? [GAP] : tokenize(part).map((token) => token.text)));
}

function compilePatterns(): Map<string, Pattern[]> {
  const all: Pattern[] = [];
  for (const [text, weight] of Object.entries(LEXICON)) {
    all.push({ tokens: patternTokens(text), role: "lexicon", weight });
  }
  for (const [text, object] of Object.entries(OBJECTS)) {
    all.push({ tokens: patternTokens(text), role: "object", weight: object.alone, object });
  }
  for (const [text, direction] of Object.entries(DIRECTIONS)) {
    all.push({
      tokens: patternTokens(text),
      role: "direction",
      weight: direction.alone,
      direction,
    });
  }
  for (const text of NEGATORS) {
    all.push({ tokens: patternTokens(text), role: "negator", weight: FAILURE_NEGATORS[text] ?? 0 });
  }
  for (const [text, factor] of Object.entries(INTENSIFIERS)) {
    all.push({ tokens: patternTokens(text), role: "intensifier", weight: factor });
  }
  for (const text of CONTRAST_MARKERS) {
    all.push({ tokens: patternTokens(text), role: "contrast", weight: 0 });
  }
  for (const text of CONCESSION_MARKERS) {
    all.push({ tokens: patternTokens(text), role: "concession", weight: 0 });
  }
  for (const [text, factor] of Object.entries(HEDGE_MARKERS)) {
    all.push({ tokens: patternTokens(text), role: "hedge", weight: factor });
  }
  const byFirstToken = new Map<string, Pattern[]>();
  for (const pattern of all) {
    const head = pattern.tokens[0];
    if (head === undefined) continue;
    const list = byFirstToken.get(head) ?? [];
    list.push(pattern);
    byFirstToken.set(head, list);
  }
  return byFirstToken;
}

const PATTERNS = compilePatterns();
const SENTENCE_ENDS = new Set([".", "!", "?", ";"]);
const CLAUSE_PUNCTUATION = new Set([",", ":", "—", "–", "(", ")"]);
const CLAUSE_WORDS = new Set(CLAUSE_BREAKS);
const NEGATION_STOP_WORDS = new Set(NEGATION_BREAKS);

/** Index of the last token a pattern covers when it matches at `at`, or -1. */
function matchAt(tokens: Token[], at: number, pattern: string[], from = 0): number {
  let position = at;
  for (let index = from; index < pattern.length; index++) {
    const expected = pattern[index];
    if (expected === GAP) {
      for (let gap = 0; gap <= MAX_GAP; gap++) {
        const end = matchAt(tokens, position + gap, pattern, index + 1);
        if (end >= 0) return end;
        if (tokens[position + gap]?.kind !== "word") break;
      }
      return -1;
    }
    if (tokens[position]?.text !== expected) return -1;
    position++;
  }
  return position - 1;
}

// "Impairment charges", "revenue growth": adjacent quantities name one thing, read by its head noun.
function mergeObjects(spans: Span[]): Span[] {
  const merged: Span[] = [];
  for (const span of spans) {
    const previous = merged.at(-1);
    const head = span.pattern.object;
    if (
      span.role === "object" &&
      previous?.role === "object" &&
      previous.last + 1 === span.first &&
      head
    ) {
      const alone =
        Math.abs(head.alone) >= Math.abs(previous.pattern.weight)
          ? head.alone
          : previous.pattern.weight;
      merged[merged.length - 1] = {
        role: "object",
        first: previous.first,
        last: span.last,
        pattern: { ...span.pattern, weight: alone, object: { polarity: head.polarity, alone } },
      };
    } else {
      merged.push(span);
    }
  }
  return merged;
}

function findSpans(tokens: Token[]): Span[] {
  const spans: Span[] = [];
  let index = 0;
  while (index < tokens.length) {
    const token = tokens[index];
    let best: Span | undefined;
    for (const pattern of token ? (PATTERNS.get(token.text) ?? []) : []) {
      const last = matchAt(tokens, index, pattern.tokens);
      if (last < 0) continue;
      const better =
        best === undefined ||
        last > best.last ||
        (last === best.last &&
          ROLE_PRIORITY.indexOf(pattern.role) < ROLE_PRIORITY.indexOf(best.role));
      if (better) best = { role: pattern.role, first: index, last, pattern };
    }
    if (best) {
      spans.push(best);
      index = best.last + 1;
    } else {
      index++;
    }
  }
  return mergeObjects(spans);
}

interface Structure {
  sentence: number[];
  clause: number[];
  negationStop: boolean[];
}

// Company suffixes and initials end in a full stop that does not end the sentence
// ("Quartexa Semiconductor Corp. said revenue rose").
const ABBREVIATIONS = new Set([
  "inc",
  "corp",
  "co",
  "ltd",
  "plc",
  "llc",
  "bros",
  "no",
  "vs",
  "st",
  "mr",
  "ms",
  "dr",
]);

function endsSentence(text: string, tokens: Token[], index: number): boolean {
  const token = tokens[index];
  if (!token || !SENTENCE_ENDS.has(token.text)) return false;
  if (token.text !== ".") return true;
  const previous = tokens[index - 1];
  const next = tokens[index + 1];
  const abbreviated =
    previous?.kind === "word" &&
    previous.end === token.start &&
    (ABBREVIATIONS.has(previous.text) || previous.text.length === 1);
  if (!abbreviated || !next) return !abbreviated;
  const nextInitial = text.charAt(next.start);
  return nextInitial !== nextInitial.toLowerCase();
}

function structure(text: string, tokens: Token[], spans: Span[]): Structure {
  const markerStarts = new Set(
    spans
      .filter((span) => span.role === "contrast" || span.role === "concession")
      .map((span) => span.first),
  );
  const sentence: number[] = [];
  const clause: number[] = [];
  const negationStop: boolean[] = [];
  let sentenceIndex = 0;
  let clauseIndex = 0;
  tokens.forEach((token, index) => {
    const isClauseWord = CLAUSE_WORDS.has(token.text) || markerStarts.has(index);
    if (isClauseWord) clauseIndex++;
    sentence.push(sentenceIndex);
    clause.push(clauseIndex);
    negationStop.push(NEGATION_STOP_WORDS.has(token.text));
    if (endsSentence(text, tokens, index)) {
      sentenceIndex++;
      clauseIndex++;
    } else if (CLAUSE_PUNCTUATION.has(token.text)) {
      clauseIndex++;
    }
  });
  return { sentence, clause, negationStop };
}

const OBJECT_REACH_BACK = 5;
const OBJECT_REACH_FORWARD = 4;

/** Word tokens strictly between two token positions; punctuation is not distance. */
function wordsBetween(tokens: Token[], from: number, to: number): Token[] {
  return tokens.slice(from + 1, to).filter((token) => token.kind !== "punct");
}

function nearestObject(
  tokens: Token[],
  direction: Span,
  objects: Span[],
  clause: number[],
  preferForward: boolean,
): Span | undefined {
  const sameClause = objects.filter((object) => clause[object.first] === clause[direction.first]);
  const before = sameClause
    .filter((object) => object.last < direction.first)
    .filter(
      (object) => wordsBetween(tokens, object.last, direction.first).length < OBJECT_REACH_BACK,
    )
    .sort((a, b) => b.last - a.last)[0];
  // Looking ahead stops at "as" and "and": "rose 9% as inflation eased" is two moves, not one.
  const after = sameClause
    .filter((object) => object.first > direction.last)
    .filter((object) => {
      const between = wordsBetween(tokens, direction.last, object.first);
      return (
        between.length < OBJECT_REACH_FORWARD &&
        !between.some((token) => NEGATION_STOP_WORDS.has(token.text))
      );
    })
    .sort((a, b) => a.first - b.first)[0];
  return preferForward ? (after ?? before) : (before ?? after);
}

function baseUnits(tokens: Token[], spans: Span[], clause: number[]): Unit[] {
  const objects = spans.filter((span) => span.role === "object");
  const paired = new Set<Span>();
  const units: Unit[] = [];
  for (const span of spans) {
    if (span.role !== "direction") continue;
    const direction = span.pattern.direction;
    if (!direction) continue;
    const object = nearestObject(tokens, span, objects, clause, direction.reach === "before");
    if (object?.pattern.object) {
      paired.add(object);
      units.push({
        first: Math.min(span.first, object.first),
        last: Math.max(span.last, object.last),
        anchor: span.first,
        weight: direction.sign * object.pattern.object.polarity * direction.strength,
        rule: "direction-object",
      });
    } else if (direction.alone !== 0) {
      units.push({
        first: span.first,
        last: span.last,
        anchor: span.first,
        weight: direction.alone,
        rule: "lexicon",
      });
    }
  }
  for (const span of spans) {
    const standalone = span.role === "lexicon" || (span.role === "object" && !paired.has(span));
    if (!standalone || span.pattern.weight === 0) continue;
    units.push({
      first: span.first,
      last: span.last,
      anchor: span.first,
      weight: span.pattern.weight,
      rule: span.role === "lexicon" && span.last > span.first ? "phrase" : "lexicon",
    });
  }
  return units.sort((a, b) => a.first - b.first || a.last - b.last);
}

function percentMagnitude(tokens: Token[], unit: Unit, clause: number[]): number {
  for (let index = unit.first - 3; index <= unit.last + 4; index++) {
    const token = tokens[index];
    if (token?.kind !== "number" || !token.text.endsWith("%")) continue;
    if (clause[index] !== clause[unit.anchor]) continue;
    const value = Number.parseFloat(token.text.replace(/[^\d.]/g, ""));
    if (!Number.isFinite(value)) continue;
    // A move of a fraction of a percent is noise; a double-digit one is the story.
    if (value >= 25) return 1.5;
    if (value >= 10) return 1.25;
    if (value < 2) return 0.6;
    return 1;
  }
  return 1;
}

function applyModifiers(tokens: Token[], spans: Span[], units: Unit[], shape: Structure): void {
  const { clause, sentence, negationStop } = shape;

  for (const unit of units) {
    if (unit.rule === "direction-object") unit.weight *= percentMagnitude(tokens, unit, clause);
  }

  for (const span of spans.filter((candidate) => candidate.role === "intensifier")) {
    let target: Unit | undefined;
    let targetDistance = Number.POSITIVE_INFINITY;
    for (const unit of units) {
      if (clause[unit.anchor] !== clause[span.first]) continue;
      const distance =
        span.last < unit.first
          ? unit.first - span.last - 1
          : span.first > unit.last
            ? span.first - unit.last - 1
            : 0;
      if (distance <= INTENSIFIER_REACH && distance <= targetDistance) {
        // On a tie the later unit wins: "sharply lower revenue" qualifies what follows.
        if (distance < targetDistance || (target && unit.first > target.first)) target = unit;
        targetDistance = Math.min(distance, targetDistance);
      }
    }
    if (!target) continue;
    target.weight *= span.pattern.weight;
    target.first = Math.min(target.first, span.first);
    target.last = Math.max(target.last, span.last);
    if (target.rule !== "negation") target.rule = "intensifier";
  }

  for (const span of spans.filter((candidate) => candidate.role === "negator")) {
    let negatedSomething = false;
    for (const unit of units) {
      if (unit.anchor <= span.last || unit.anchor - span.last > NEGATION_REACH) continue;
      if (clause[unit.anchor] !== clause[span.last]) continue;
      let blocked = false;
      for (let index = span.last + 1; index < unit.anchor; index++) {
        if (negationStop[index]) blocked = true;
      }
      if (blocked) continue;
      unit.weight *= NEGATION_FACTOR;
      unit.first = Math.min(unit.first, span.first);
      unit.rule = "negation";
      negatedSomething = true;
    }
    if (!negatedSomething && span.pattern.weight !== 0) {
      units.push({
        first: span.first,
        last: span.last,
        anchor: span.first,
        weight: span.pattern.weight,
        rule: "negation",
      });
    }
  }

  for (const span of spans) {
    const opensSentence = span.first === 0 || sentence[span.first - 1] !== sentence[span.first];
    if (span.role === "contrast") {
      const markerSentence = sentence[span.first] ?? 0;
      for (const unit of units) {
        const unitSentence = sentence[unit.first] ?? 0;
        if (unitSentence === markerSentence && unit.first > span.last) {
          unit.weight *= CONTRAST_AFTER;
        } else if (
          unit.last < span.first &&
          (unitSentence === markerSentence ||
            (opensSentence && unitSentence === markerSentence - 1))
        ) {
          unit.weight *= CONTRAST_BEFORE;
        }
      }
    } else if (span.role === "concession" || span.role === "hedge") {
      const factor = span.role === "hedge" ? span.pattern.weight : CONCESSION_FACTOR;
      for (const unit of units) {
        if (unit.first > span.last && clause[unit.anchor] === clause[span.first]) {
          unit.weight *= factor;
        }
      }
    }
  }

  // "While bookings grew, cash burn rose": a sentence-opening "while" concedes like "although"; a
  // mid-sentence one only joins two facts.
  tokens.forEach((token, index) => {
    const opensSentence = index === 0 || sentence[index - 1] !== sentence[index];
    if (token.text !== "while" || !opensSentence) return;
    for (const unit of units) {
      if (unit.first > index && clause[unit.anchor] === clause[index]) {
        unit.weight *= CONCESSION_FACTOR;
      }
    }
  });

  for (const unit of units) {
    const unitSentence = sentence[unit.anchor];
    const lastOfSentence = tokens.findLast((_, index) => sentence[index] === unitSentence);
    if (lastOfSentence?.text === "?") unit.weight *= QUESTION_FACTOR;
  }
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

const EMPTY_RESULT: SentimentResult = Object.freeze({
  score: 0,
  label: "Neutral",
  confidence: 0,
  evidence: [],
}) as SentimentResult;

export function analyzeSentiment(text: string): SentimentResult {
  if (typeof text !== "string" || text.trim() === "") return { ...EMPTY_RESULT, evidence: [] };
  const tokens = tokenize(text);
  const spans = findSpans(tokens);
  const shape = structure(text, tokens, spans);
  const units = baseUnits(tokens, spans, shape.clause);
  applyModifiers(tokens, spans, units, shape);

  const evidence: SentimentEvidence[] = [];
  for (const unit of units) {
    const weight = round(unit.weight, 3);
    const first = tokens[unit.first];
    const last = tokens[unit.last];
    if (weight === 0 || !first || !last) continue;
    evidence.push({
      phrase: text.slice(first.start, last.end),
      start: first.start,
      end: last.end,
      weight,
      rule: unit.rule,
    });
  }
  if (evidence.length === 0) return { ...EMPTY_RESULT, evidence: [] };

  const raw = evidence.reduce((sum, item) => sum + item.weight, 0);
  const magnitude = evidence.reduce((sum, item) => sum + Math.abs(item.weight), 0);
  const score = Math.max(-1, Math.min(1, round(raw / Math.sqrt(raw * raw + SQUASH_ALPHA), 4)));
  // Confident when there is a lot of evidence and it points one way; mixed evidence that cancels
  // out gives a Neutral label with low confidence rather than a confident Neutral.
  const amount = 1 - Math.exp(-magnitude / 1.5);
  const agreement = magnitude === 0 ? 0 : Math.abs(raw) / magnitude;
  const confidence = round(amount * (0.25 + 0.75 * agreement), 4);
  return { score, label: labelForScore(score), confidence, evidence };
}
