// The sentiment engine: lexicon and phrase matching, direction × object pairing, negation,
// intensifiers and contrast, folded into a score in [-1, 1] with the evidence behind it.

import { type Comparison, DEGREE_MARKERS, findComparisons } from "./comparison";
import { labelForScore, type SentimentLabel } from "./labels";
import {
  CANCELLATIONS,
  CLAUSE_BREAKS,
  COMPARATIVE_DIRECTIONS,
  CONCESSION_MARKERS,
  CONTRAST_MARKERS,
  DENIABLE,
  DIRECTIONS,
  type DirectionEntry,
  EXPECTATION_WORDS,
  FAILED_OUTCOMES,
  FAILURE_NEGATORS,
  HEDGE_MARKERS,
  INTENSIFIERS,
  LEXICON,
  NEGATED_EFFECTS,
  NEGATED_OCCURRENCES,
  NEGATION_BREAKS,
  NEGATORS,
  OBJECTS,
  type ObjectEntry,
  PASSIVE_CANCELLATIONS,
  QUANTIFIED_NEGATORS,
  REACH_FILLERS as REACH_FILLER_WORDS,
  VERB_DEGREES as VERB_DEGREE_WORDS,
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
  /**
   * Why it counted: "lexicon", "phrase", "direction-object", "comparison" (a figure or result set
   * against an expectation or an earlier period), "intensifier" or "negation".
   */
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
const NEGATION_FACTOR = -0.9;
const NEGATION_REACH = 5;
const CLAUSE_REACH = 24;
const MAX_AUXILIARIES = 4;
const QUANTIFIED = new Set(QUANTIFIED_NEGATORS);
const MAX_DENIED_NEGATED = 3;
const DETERMINERS = new Set(["a", "an", "the", "its", "their", "any", "his", "her", "our"]);
const MAX_DETERMINERS = 2;
const DENYING_DETERMINERS = new Set(["no", "none"]);
const REACH_FILLERS = new Set(REACH_FILLER_WORDS);
const INTENSIFIER_REACH = 2;
// "Fell very sharply" stacks two intensifiers; more than that is not language, and unbounded
// stacking ("sharply sharply …") overflowed the weight to Infinity.
const MAX_INTENSIFIERS = 2;
// Contrast weights each side once, however many "but"s a sentence has (1.5^k overflowed too).
const CONTRAST_BEFORE = 0.5;
const CONTRAST_AFTER = 1.5;
const CONCESSION_FACTOR = 0.5;
const ASIDE_FACTOR = 0.5;
// A question asserts nothing: "Will X beat estimates?" is a preview, not a result.
const QUESTION_FACTOR = 0.2;
// Squashes the raw sum into (-1, 1): one clear signal (weight 1) lands near 0.3, Somewhat-*;
// two or a strong one pass 0.35, the full label.
const SQUASH_ALPHA = 10;
// A reported move in a sentence that also judges the result against expectations.
const VERDICT_DOMINANCE = 0.5;
// A signed figure with no quantity before it ("QTXA -4%") still reads as a move of the stock.
const SIGNED_ALONE = 0.8;
const SIGNED_REACH = 4;
const DECISIONS = new Set([
  "guidance",
  "outlook",
  "forecast",
  "forecasts",
  "target",
  "rating",
  "dividend",
  "dividends",
  "payout",
]);

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
  /** A verdict on expectations ("beat estimates", "than expected"): it outweighs reported moves. */
  verdict?: boolean;
  /** Counts only when a negator reaches it ("no orders", "not included"). */
  latent?: boolean;
  /** A movement verb with the degree after it ("grew more slowly"): its "than" is judged here. */
  degree?: boolean;
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
  /** How many intensifiers have multiplied this unit. */
  intensifiers?: number;
  /** A quantity's reported move (direction × object, or a signed figure). */
  move?: boolean;
  verdict?: boolean;
  latent?: boolean;
  /** Negated by a later negator reaching back to its subject; an earlier one leaves it alone. */
  negatedBack?: boolean;
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

const EXPECTATIONS = new Set(EXPECTATION_WORDS);
// Results words that are verdicts on expectations even without naming them ("EPS beat").
const VERDICT_WORDS = new Set(["beat", "beats", "missed", "misses", "miss", "topped", "tops"]);

function compilePatterns(): Map<string, Pattern[]> {
  const all: Pattern[] = [];
  for (const [text, weight] of Object.entries(LEXICON)) {
    const tokens = patternTokens(text);
    const verdict =
      VERDICT_WORDS.has(tokens[0] ?? "") || tokens.some((token) => EXPECTATIONS.has(token));
    all.push({ tokens, role: "lexicon", weight, verdict });
  }
  for (const [text, weight] of Object.entries(DENIABLE)) {
    // A quantity ("orders", "demand") keeps its own reading and is denied as a quantity.
    if (OBJECTS[text]) continue;
    all.push({ tokens: patternTokens(text), role: "lexicon", weight, latent: true });
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
    const tokens = patternTokens(text);
    all.push({ tokens, role: "intensifier", weight: factor, verdict: tokens[0] === "than" });
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
const RELATIVES = new Set(["which", "who", "whose", "whom"]);
const NEGATION_STOP_WORDS = new Set(NEGATION_BREAKS);
const COMPARATIVES = new Set(["as", "so"]);
const OCCURRENCES = new Set(NEGATED_OCCURRENCES);
const PASSIVE_CANCELLED = new Set(PASSIVE_CANCELLATIONS);
const EFFECTS_DENIED = new Set(NEGATED_EFFECTS);
const CANCELLING = new Set([...CANCELLATIONS, ...PASSIVE_CANCELLATIONS, ...FAILED_OUTCOMES]);
const FAILED = new Set(FAILED_OUTCOMES);
const PROCEEDING = new Set(["go ahead", "went ahead", "goes ahead", "proceed", "proceeded"]);
const STALLED = -0.8;
// Prepositions that start a description of what a negator denied ("a buyer for its plant").
const DESCRIBING = new Set(["for", "at", "in", "from", "across", "with", "on"]);
const FAILING = new Set(["failed to", "fails to", "fail to"]);
// "The motion failed to win a majority": failing to get what an attempt needed is the attempt
// failing, so like "the motion failed" it reverses what the attempt would have meant.
const SUCCESS_VERBS = new Set([
  "win",
  "pass",
  "gain",
  "secure",
  "get",
  "attract",
  "muster",
  "clear",
  "achieve",
  "succeed",
]);
const CANCEL_FACTOR = -1;
const COMPARATIVE_WORDS = new Set(COMPARATIVE_DIRECTIONS);
// The weight of "a smaller fall than feared" when no quantity is named with it.
const COMPARED_MOVE = 1.2;
const VERB_DEGREES = new Set(VERB_DEGREE_WORDS);
const LEVEL_WORDS = new Set(["stable", "steady", "unchanged", "flat", "held steady", "no change"]);
const AUXILIARIES = new Set(["be", "been", "being", "have", "has", "had", "were", "was"]);

/** Index of the last token a pattern covers when it matches at `at`, or -1. */
function matchAt(tokens: Token[], at: number, pattern: string[], from = 0): number {
  let position = at;
  for (let index = from; index < pattern.length; index++) {
    const expected = pattern[index];
    if (expected === GAP) {
      for (let gap = 0; gap <= MAX_GAP; gap++) {
        const end = matchAt(tokens, position + gap, pattern, index + 1);
        if (end >= 0) return end;
        // "closed 90 stores", "beat analysts' estimates": a gap holds words or a figure.
        if (tokens[position + gap]?.kind === "punct" || tokens[position + gap] === undefined) break;
      }
      return -1;
    }
    if (tokens[position]?.text !== expected) return -1;
    position++;
  }
  return position - 1;
}

// "Impairment charges", "revenue growth": adjacent quantities name one thing, read by its head noun.
// A ratio ("net debt/EBITDA") is read by its numerator.
function mergeObjects(tokens: Token[], spans: Span[]): Span[] {
  const merged: Span[] = [];
  for (const span of spans) {
    const previous = merged.at(-1);
    // "Cost of deposits", "loss of customers": the first quantity is the head, like a ratio's numerator.
    const ratio =
      span.role === "object" &&
      previous?.role === "object" &&
      previous.last + 2 === span.first &&
      (tokens[previous.last + 1]?.text === "/" || tokens[previous.last + 1]?.text === "of");
    if (ratio && previous) {
      merged[merged.length - 1] = { ...previous, last: span.last };
      continue;
    }
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

// "A smaller drop than analysts had braced for", "a bigger rise": a comparative in front of a
// movement noun measures that movement, so "smaller" turns a drop into less of a drop. "Sales shrank
// faster", "bad loans grew more slowly": a degree after a movement verb measures it the same way.
// The two read as one direction whose sign is the product of theirs.
function mergeComparatives(tokens: Token[], spans: Span[]): Span[] {
  const merged: Span[] = [];
  for (const span of spans) {
    const previous = merged.at(-1);
    const adjacent =
      span.role === "direction" &&
      previous?.role === "direction" &&
      previous.last + 1 === span.first;
    const before = previous?.pattern.tokens.join(" ") ?? "";
    const after = span.pattern.tokens.join(" ");
    // The move is the noun after a comparative, or the verb before a degree.
    const move = !adjacent
      ? undefined
      : COMPARATIVE_WORDS.has(before)
        ? span
        : VERB_DEGREES.has(after) && !VERB_DEGREES.has(before)
          ? previous
          : undefined;
    const degree = move === span ? previous : span;
    const moved = move?.pattern.direction;
    const measure = degree?.pattern.direction;
    if (!previous || !move || !moved || !measure) {
      merged.push(span);
      continue;
    }
    // "A smaller fall than the market had braced for" judges the move against expectations.
    const verdict = tokens[span.last + 1]?.text === "than";
    const sign = moved.sign === measure.sign ? 1 : -1;
    const alone = verdict ? sign * COMPARED_MOVE : moved.alone * measure.sign;
    merged[merged.length - 1] = {
      role: "direction",
      first: previous.first,
      last: span.last,
      pattern: {
        ...move.pattern,
        weight: alone,
        verdict,
        // A verb's degree and its "than" are judged here, not again as a comparison.
        degree: move === previous,
        direction: { ...moved, sign, alone },
      },
    };
  }
  return merged;
}

function findSpans(tokens: Token[], work: Work): Span[] {
  const spans: Span[] = [];
  let index = 0;
  while (index < tokens.length) {
    const token = tokens[index];
    let best: Span | undefined;
    for (const pattern of token ? (PATTERNS.get(token.text) ?? []) : []) {
      work.steps++;
      const last = matchAt(tokens, index, pattern.tokens);
      if (last < 0) continue;
      // A word that only counts when denied gives way to any other reading of the same words.
      const rank = (candidate: Pattern) =>
        ROLE_PRIORITY.indexOf(candidate.role) + (candidate.latent ? ROLE_PRIORITY.length : 0);
      // On the same words, a pattern that names them all beats one with a gap: "reported a
      // record profit" says more than "reported a * profit".
      const gaps = (candidate: Pattern) => candidate.tokens.filter((word) => word === GAP).length;
      const better =
        best === undefined ||
        last > best.last ||
        (last === best.last && rank(pattern) < rank(best.pattern)) ||
        (last === best.last &&
          rank(pattern) === rank(best.pattern) &&
          gaps(pattern) < gaps(best.pattern));
      if (better) best = { role: pattern.role, first: index, last, pattern };
    }
    if (best) {
      spans.push(best);
      index = best.last + 1;
    } else {
      index++;
    }
  }
  return mergeComparatives(tokens, mergeObjects(tokens, spans));
}

/**
 * Work done by one call, for the complexity test: every candidate an inner loop looks at adds one
 * step, so a test can check the engine does O(tokens) work without timing it. Each call makes its
 * own, so concurrent or re-entrant calls never share a count.
 */
interface Work {
  steps: number;
}

interface Structure {
  tokens: Token[];
  spans: Span[];
  sentence: number[];
  clause: number[];
  /** Relative clauses between commas ("…, which had promised a higher dividend, …"): background. */
  asides: Set<number>;
  /** `wordsBefore[i]`: word and number tokens (not punctuation) among `tokens[0..i)`. */
  wordsBefore: Int32Array;
  /** `asideWordsBefore[i]`: those of them inside an aside, which a subject's verb looks past. */
  asideWordsBefore: Int32Array;
  /** `bysBefore[i]`: "by" tokens among `tokens[0..i)`. */
  bysBefore: Int32Array;
  /** `stopsBefore[i]`: negation-stopping words among `tokens[0..i)`. */
  stopsBefore: Int32Array;
  /** Index of the last token of each sentence. */
  sentenceLast: number[];
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

function structure(text: string, tokens: Token[], spans: Span[], work: Work): Structure {
  const markerStarts = new Set(
    spans
      .filter((span) => span.role === "contrast" || span.role === "concession")
      .map((span) => span.first),
  );
  const sentence: number[] = [];
  const clause: number[] = [];
  const wordsBefore = new Int32Array(tokens.length + 1);
  const stopsBefore = new Int32Array(tokens.length + 1);
  const bysBefore = new Int32Array(tokens.length + 1);
  const sentenceLast: number[] = [];
  let sentenceIndex = 0;
  let clauseIndex = 0;
  let clauses = 0;
  // "Generic copies of its drug, which bring in 40% of sales, cannot launch": a relative clause
  // between commas is its own clause, and after it the clause it interrupted goes on.
  let interrupted: number | undefined;
  const asides = new Set<number>();
  tokens.forEach((token, index) => {
    work.steps++;
    const isClauseWord = CLAUSE_WORDS.has(token.text) || markerStarts.has(index);
    if (isClauseWord) clauseIndex = ++clauses;
    sentence.push(sentenceIndex);
    clause.push(clauseIndex);
    const stop = NEGATION_STOP_WORDS.has(token.text);
    wordsBefore[index + 1] = (wordsBefore[index] ?? 0) + (token.kind === "punct" ? 0 : 1);
    stopsBefore[index + 1] = (stopsBefore[index] ?? 0) + (stop ? 1 : 0);
    bysBefore[index + 1] = (bysBefore[index] ?? 0) + (token.text === "by" ? 1 : 0);
    sentenceLast[sentenceIndex] = index;
    if (endsSentence(text, tokens, index)) {
      sentenceIndex++;
      clauseIndex = ++clauses;
      interrupted = undefined;
    } else if (token.text === "," && interrupted !== undefined) {
      asides.add(clauseIndex);
      clauseIndex = interrupted;
      interrupted = undefined;
    } else if (CLAUSE_PUNCTUATION.has(token.text)) {
      if (token.text === "," && RELATIVES.has(tokens[index + 1]?.text ?? ""))
        interrupted = clauseIndex;
      clauseIndex = ++clauses;
    }
  });
  const asideWordsBefore = new Int32Array(tokens.length + 1);
  tokens.forEach((token, index) => {
    const inAside = token.kind !== "punct" && asides.has(clause[index] ?? -1);
    asideWordsBefore[index + 1] = (asideWordsBefore[index] ?? 0) + (inAside ? 1 : 0);
  });
  return {
    tokens,
    spans,
    sentence,
    clause,
    asides,
    asideWordsBefore,
    wordsBefore,
    stopsBefore,
    bysBefore,
    sentenceLast,
  };
}

/** How many of `counts` fall strictly between token positions `from` and `to` (a prefix array). */
function countBetween(counts: Int32Array, from: number, to: number): number {
  return to > from + 1 ? (counts[to] ?? 0) - (counts[from + 1] ?? 0) : 0;
}

const OBJECT_REACH_BACK = 5;
const OBJECT_REACH_QUALIFIED = 8;
const ADJECTIVE_REACH_BACK = 3;
// Words after a direction that show it is a verb ("expected to decrease in the second half"), not
// an adjective in front of its noun.
const FUNCTION_WORDS = new Set([
  "in",
  "by",
  "to",
  "of",
  "at",
  "for",
  "from",
  "this",
  "next",
  "over",
  "during",
  "through",
  "again",
  "further",
  "sharply",
  "slightly",
  "and",
  "or",
  "but",
  "as",
  "after",
  "since",
  "than",
  "below",
  "above",
  "under",
  "beneath",
  "into",
  "back",
  "toward",
  "towards",
]);
const QUALIFIERS = new Set(["of", "at", "in", "from", "for", "across", "per"]);
const HEAD_QUALIFIERS = new Set(["among", "in", "at", "across"]);
const HEAD_REACH = 5;
const OBJECT_REACH_FORWARD = 4;

// The objects are sorted and do not overlap, so the nearest one on each side is the only candidate:
// anything further is in an earlier clause or further away, and fails the same test.
function nearestObject(
  direction: Span,
  before: Span | undefined,
  after: Span | undefined,
  shape: Structure,
  preferForward: boolean,
  work: Work,
  headBefore?: Span,
): Span | undefined {
  const { clause, wordsBefore, stopsBefore } = shape;
  work.steps++;
  const directionClause = clause[direction.first];
  // "Sales of the company's flagship drug dropped": a prepositional phrase after the subject
  // puts its verb further away without changing what moved.
  const qualified = QUALIFIERS.has(shape.tokens[(before?.last ?? -2) + 1]?.text ?? "");
  // An adjective with a noun after it ("hit by higher freight rates") describes that noun; it
  // reaches back only to a subject close by ("costs were higher").
  const next = shape.tokens[direction.last + 1];
  const modifiesNext = preferForward && next?.kind === "word" && !FUNCTION_WORDS.has(next.text);
  const reachBack = modifiesNext
    ? ADJECTIVE_REACH_BACK
    : qualified
      ? OBJECT_REACH_QUALIFIED
      : OBJECT_REACH_BACK;
  const back =
    before &&
    clause[before.first] === directionClause &&
    // "avoided layoffs by cutting executive pay": what follows "by" is the means, a new predicate.
    countBetween(shape.bysBefore, before.last, direction.first) === 0 &&
    countBetween(wordsBefore, before.last, direction.first) -
      countBetween(shape.asideWordsBefore, before.last, direction.first) <
      reachBack
      ? before
      : undefined;
  // Looking ahead stops at "as" and "and": "rose 9% as inflation eased" is two moves, not one.
  const forward =
    after &&
    clause[after.first] === directionClause &&
    countBetween(wordsBefore, direction.last, after.first) < OBJECT_REACH_FORWARD &&
    countBetween(stopsBefore, direction.last, after.first) === 0
      ? after
      : undefined;
  // "Defaults among its car-loan customers rose", "growth in recurring revenue will slow": the
  // quantity a prepositional phrase qualifies is what moved, not the one inside the phrase.
  const head =
    back && headBefore && clause[headBefore.first] === directionClause
      ? HEAD_QUALIFIERS.has(shape.tokens[headBefore.last + 1]?.text ?? "") &&
        countBetween(wordsBefore, headBefore.last, back.first) <= HEAD_REACH &&
        countBetween(stopsBefore, headBefore.last, back.first) === 0
        ? headBefore
        : undefined
      : undefined;
  const behind = head ?? back;
  return preferForward ? (forward ?? behind) : (behind ?? forward);
}

// "Profit fell to a record low": a direction with no object of its own, right after a move the
// same way in its clause, carries that move on rather than making a second one.
function continuedMove(
  direction: Span,
  previous: { span: Span; object: Span | undefined } | undefined,
  shape: Structure,
): Span | undefined {
  if (!previous?.object) return undefined;
  const { clause, wordsBefore, stopsBefore } = shape;
  const last = previous.span;
  const continues =
    last.pattern.direction?.sign === direction.pattern.direction?.sign &&
    clause[last.first] === clause[direction.first] &&
    countBetween(wordsBefore, last.last, direction.first) < OBJECT_REACH_BACK &&
    countBetween(stopsBefore, last.last, direction.first) === 0;
  return continues ? previous.object : undefined;
}

function baseUnits(
  spans: Span[],
  shape: Structure,
  work: Work,
  compared: ReadonlySet<Span>,
): Unit[] {
  const objects = spans.filter((span) => span.role === "object");
  const held = new Set<Span>();
  // The directions that chose each object, in text order.
  const moves = new Map<Span, Span[]>();
  const units: Unit[] = [];
  let nextObject = 0;
  let previous: { span: Span; object: Span | undefined } | undefined;
  for (const span of spans) {
    work.steps++;
    if (span.role === "object") {
      nextObject++;
      continue;
    }
    if (span.role !== "direction") continue;
    const direction = span.pattern.direction;
    if (!direction) continue;
    const object =
      nearestObject(
        span,
        objects[nextObject - 1],
        objects[nextObject],
        shape,
        direction.reach === "before",
        work,
        objects[nextObject - 2],
      ) ?? continuedMove(span, previous, shape);
    previous = { span, object };
    if (object?.pattern.object) {
      const list = moves.get(object);
      if (list) list.push(span);
      else moves.set(object, [span]);
    } else if (direction.alone !== 0 && !compared.has(span)) {
      units.push({
        first: span.first,
        last: span.last,
        anchor: span.first,
        weight: direction.alone,
        rule: "lexicon",
        verdict: span.pattern.verdict,
      });
    }
  }
  // One object, one move each way: "revenue fell to its lowest level" and "shares fell to a record
  // low" describe a single fall, counted once at the strength of its strongest word and anchored at
  // the direction nearest the object. Opposite moves ("shares rose and then fell") stay separate.
  for (const [object, directions] of moves) {
    const polarity = object.pattern.object?.polarity ?? 1;
    for (const sign of [1, -1]) {
      const same = directions.filter((span) => span.pattern.direction?.sign === sign);
      work.steps += same.length;
      const distance = (span: Span) =>
        span.first > object.last
          ? countBetween(shape.wordsBefore, object.last, span.first)
          : countBetween(shape.wordsBefore, span.last, object.first);
      const head = same.reduce<Span | undefined>(
        (best, span) => (best === undefined || distance(span) < distance(best) ? span : best),
        undefined,
      );
      if (!head) continue;
      units.push({
        first: Math.min(object.first, ...same.map((span) => span.first)),
        last: Math.max(object.last, ...same.map((span) => span.last)),
        anchor: head.first,
        weight:
          sign * polarity * Math.max(...same.map((span) => span.pattern.direction?.strength ?? 0)),
        rule: "direction-object",
        verdict: same.some((span) => span.pattern.verdict),
        // A change of plan ("cut its guidance", "raised the dividend") is news in its own right,
        // not a reported figure that a verdict on expectations supersedes.
        move: !object.pattern.tokens.some((token) => DECISIONS.has(token)),
      });
    }
  }
  spans.forEach((span, position) => {
    if (span.role !== "object") return;
    // "Bad loans were stable at 1.4%": a quantity said to hold its level did not move either way.
    for (const next of spans.slice(position + 1, position + 3)) {
      work.steps++;
      const level =
        next.role === "lexicon" &&
        LEVEL_WORDS.has(next.pattern.tokens.join(" ")) &&
        shape.clause[next.first] === shape.clause[span.first] &&
        countBetween(shape.wordsBefore, span.last, next.first) < OBJECT_REACH_BACK;
      if (level) held.add(span);
    }
  });
  for (const span of spans) {
    work.steps++;
    // A quantity that moved, held its level, or that a comparison judged, is read through that.
    const standalone =
      span.role === "lexicon" ||
      (span.role === "object" && !moves.has(span) && !compared.has(span) && !held.has(span));
    // "Won no orders", "has no debt": a quantity named alone is news only when it is denied.
    const wanted = DENIABLE[span.pattern.tokens.join(" ")];
    const deniable = span.role === "object" && standalone && span.pattern.weight === 0;
    if (deniable && span.pattern.object && wanted !== undefined) {
      units.push({
        first: span.first,
        last: span.last,
        anchor: span.first,
        weight: span.pattern.object.polarity * wanted,
        rule: "lexicon",
        latent: true,
      });
      continue;
    }
    if (!standalone || span.pattern.weight === 0) continue;
    units.push({
      first: span.first,
      last: span.last,
      anchor: span.first,
      weight: span.pattern.weight,
      rule: span.role === "lexicon" && span.last > span.first ? "phrase" : "lexicon",
      verdict: span.pattern.verdict,
      latent: span.pattern.latent,
    });
  }
  return units.sort((a, b) => a.first - b.first || a.last - b.last);
}

// Comparisons read their sign through the quantity they measure: the object nearest before the
// figure or marker in its sentence (a signed figure: right before it, in its clause).
function comparisonUnits(
  tokens: Token[],
  spans: Span[],
  shape: Structure,
  work: Work,
): { units: Unit[]; compared: Set<Span> } {
  const covered = new Uint8Array(tokens.length);
  const objectBefore: (Span | undefined)[] = new Array(tokens.length + 1);
  // The object before that one, for a prepositional phrase's head ("defaults among customers").
  const headBefore = new Map<Span, Span>();
  let lastObject: Span | undefined;
  let next = 0;
  for (let position = 0; position <= tokens.length; position++) {
    work.steps++;
    for (let span = spans[next]; span && span.last < position; span = spans[++next]) {
      if (span.role === "object") {
        if (lastObject) headBefore.set(span, lastObject);
        lastObject = span;
      }
      if (span.role === "lexicon" || span.pattern.degree)
        covered.fill(1, span.first, span.last + 1);
    }
    objectBefore[position] = lastObject;
  }
  const directionEnding: (Span | undefined)[] = new Array(tokens.length);
  for (const span of spans) if (span.role === "direction") directionEnding[span.last] = span;
  const directionStarting: (Span | undefined)[] = new Array(tokens.length);
  for (const span of spans) if (span.role === "direction") directionStarting[span.first] = span;
  const comparisons: Comparison[] = findComparisons({
    tokens,
    sentence: shape.sentence,
    // "fell 3%", "down by 3%", "a 10% decline": the figure is the size of a fall.
    moveSign: (first, last) => {
      const before =
        directionEnding[first - 1] ??
        (tokens[first - 1]?.text === "by" ? directionEnding[first - 2] : undefined);
      const after = directionStarting[last + 1];
      return (before ?? after)?.pattern.direction?.sign ?? 1;
    },
    covered: (index) => covered[index] === 1,
    step: () => {
      work.steps++;
    },
  });
  const units: Unit[] = [];
  const compared = new Set<Span>();
  // Quantities and movements named inside or right after a comparison ("the $0.15 loss analysts
  // expected", "the 10% decline analysts had braced for") are its yardstick, not news of their own.
  let spanAt = 0;
  const named = spans.filter((span) => span.role === "object" || span.role === "direction");
  const byFirst = comparisons.filter((comparison) => !comparison.signed);
  byFirst.sort((a, b) => a.first - b.first);
  for (const comparison of byFirst) {
    while ((named[spanAt]?.last ?? Number.POSITIVE_INFINITY) < comparison.first) spanAt++;
    for (let at = spanAt; at < named.length; at++) {
      work.steps++;
      const span = named[at];
      if (!span || span.first > comparison.last + 2) break;
      if (span.role === "object" || span.first > comparison.first) compared.add(span);
    }
  }
  for (const comparison of comparisons) {
    const object = objectBefore[comparison.subjectAt];
    const sentenceOf = (index: number) => shape.sentence[index] ?? -1;
    const inReach =
      object !== undefined &&
      (comparison.signed
        ? // "CASM-ex 10.9c, -4% y/y": the figure and its move may sit either side of a comma.
          shape.sentence[object.first] === shape.sentence[comparison.first] &&
          countBetween(shape.wordsBefore, object.last, comparison.first) < SIGNED_REACH
        : sentenceOf(object.first) === sentenceOf(comparison.subjectAt) ||
          sentenceOf(object.first) === sentenceOf(comparison.last) - 1);
    const head = object ? headBefore.get(object) : undefined;
    const headed =
      object &&
      head &&
      !comparison.signed &&
      shape.clause[head.first] === shape.clause[object.first] &&
      HEAD_QUALIFIERS.has(tokens[head.last + 1]?.text ?? "") &&
      countBetween(shape.wordsBefore, head.last, object.first) <= HEAD_REACH
        ? head
        : object;
    const subject = inReach ? headed : undefined;
    if (subject) compared.add(subject);
    // "The loss narrowed more than forecast", "sales fell less than feared": the marker measures the
    // move right before it, so the move's direction is part of the verdict.
    const moved = DEGREE_MARKERS.has(tokens[comparison.first]?.text ?? "")
      ? directionEnding[comparison.first - 1]
      : undefined;
    const moveSign = !comparison.signed && moved ? (moved.pattern.direction?.sign ?? 1) : 1;
    // "Lost less money than predicted": the verb the degree measures is part of the verdict, not
    // a loss of its own.
    if (!comparison.signed && moved) compared.add(moved);
    const polarity = (comparison.measures ?? subject?.pattern.object?.polarity ?? 1) * moveSign;
    const weight = comparison.signed && !subject ? SIGNED_ALONE : comparison.weight;
    units.push({
      first:
        subject && comparison.signed
          ? subject.first
          : !comparison.signed && moved
            ? moved.first
            : comparison.first,
      last: comparison.last,
      anchor: comparison.anchor,
      weight: comparison.sign * polarity * weight,
      rule: comparison.signed ? "direction-object" : "comparison",
      move: comparison.signed || !comparison.verdict,
      verdict: comparison.verdict,
    });
  }
  return { units, compared };
}

function percentMagnitude(tokens: Token[], unit: Unit, clause: number[], work: Work): number {
  for (let index = unit.first - 3; index <= unit.last + 4; index++) {
    work.steps++;
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

// Clause damping factors are applied one at a time, in text order, like the markers that cause
// them; past a few ("if … if … if …", only in contrived text) the rest are applied as one product
// so the work stays linear.
const EXACT_REPEATS = 8;

function applyModifiers(
  tokens: Token[],
  spans: Span[],
  units: Unit[],
  shape: Structure,
  work: Work,
): void {
  const { clause, sentence, stopsBefore } = shape;

  for (const unit of units) {
    if (unit.rule === "direction-object")
      unit.weight *= percentMagnitude(tokens, unit, clause, work);
  }

  // Intensifiers and units are both in text order, so one sweep keeps the units near the current
  // intensifier: added when the window reaches their first token, dropped once it passes their
  // last. A unit spans a few words (the pairing reach), so only a handful are ever active.
  const order = new Map(units.map((unit, position) => [unit, position]));
  let active: Unit[] = [];
  let next = 0;
  for (const span of spans) {
    if (span.role !== "intensifier") continue;
    const from = span.first - INTENSIFIER_REACH - 1;
    const to = span.last + INTENSIFIER_REACH + 1;
    for (let unit = units[next]; unit && unit.first <= to; unit = units[++next]) active.push(unit);
    active = active.filter((unit) => {
      work.steps++;
      return unit.last >= from;
    });
    let target: Unit | undefined;
    let targetDistance = Number.POSITIVE_INFINITY;
    const nearby = active.toSorted((x, y) => (order.get(x) ?? 0) - (order.get(y) ?? 0));
    for (const unit of nearby) {
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
    if (!target || (target.intensifiers ?? 0) >= MAX_INTENSIFIERS) continue;
    target.intensifiers = (target.intensifiers ?? 0) + 1;
    target.weight *= span.pattern.weight;
    target.first = Math.min(target.first, span.first);
    target.last = Math.max(target.last, span.last);
    if (span.pattern.verdict) target.verdict = true;
    if (target.rule !== "negation") target.rule = "intensifier";
  }

  // Each unit has its own anchor token, so a negator finds what it negates by position.
  const byAnchor = new Map<number, Unit[]>();
  for (const unit of units) {
    const list = byAnchor.get(unit.anchor);
    if (list) list.push(unit);
    else byAnchor.set(unit.anchor, [unit]);
  }
  // Units of each clause in anchor order, and how far subject negation has gone in each, so every
  // unit is reached back to at most once.
  const byClause = new Map<number, Unit[]>();
  for (const unit of units) {
    const key = clause[unit.anchor] ?? -1;
    const list = byClause.get(key);
    if (list) list.push(unit);
    else byClause.set(key, [unit]);
  }
  for (const list of byClause.values()) list.sort((a, b) => a.anchor - b.anchor);
  const subjectsDone = new Map<number, number>();
  const causes: [number, number, number][] = [];
  // Negators are read from the last to the first, so a negated negation reverses twice: in "never
  // cancelled the orders" the cancellation is undone, and in "did not call off the strike" the
  // strike is bad news again.
  const negators = spans.filter((span) => span.role === "negator").reverse();
  // Where each clause's first negator is, and which clauses a later negator has reached back over.
  const subjectNegators = new Map<number, number>();
  for (const span of negators) subjectNegators.set(clause[span.first] ?? -1, span.first);
  const reachedBack = new Map<number, { before: number; factor: number }>();
  // What each negator negated, by its first token, for a negator that denies it in turn.
  const negatedBy = new Map<number, Unit[]>();
  const byLast = new Map<number, Unit[]>();
  for (const unit of units) {
    const list = byLast.get(unit.last);
    if (list) list.push(unit);
    else byLast.set(unit.last, [unit]);
  }
  for (const span of negators) {
    // A called-off event is undone entirely ("the levy was dropped" is as good as the levy was
    // bad); a plain negation keeps most of the strength.
    const words = span.pattern.tokens.join(" ");
    const factor = CANCELLING.has(words) ? CANCEL_FACTOR : NEGATION_FACTOR;
    // "None of the contracts it bid for was awarded": a negated subject denies the whole clause.
    const wholeClause = QUANTIFIED.has(words);
    // "would not be able to resume buybacks": auxiliaries after the negator do not use up its reach.
    let skipped = 0;
    while (
      skipped < MAX_AUXILIARIES &&
      REACH_FILLERS.has(tokens[span.last + 1 + skipped]?.text ?? "")
    ) {
      skipped++;
    }
    // Determiners do not use it up either: "refused the company's request for a price increase".
    let determiners = 0;
    for (let at = span.last + 1 + skipped; at <= span.last + NEGATION_REACH + skipped; at++) {
      if (DETERMINERS.has(tokens[at]?.text ?? "") && determiners < MAX_DETERMINERS) determiners++;
    }
    const reach = wholeClause ? CLAUSE_REACH : NEGATION_REACH + skipped + determiners;
    let negatedSomething = false;
    // Denied wants count only when the negator denies nothing that counts anyway: in "has not
    // seen any slowdown in orders" the slowdown is what is denied.
    const deniedWants: Unit[] = [];
    const negated: Unit[] = [];
    const denied = new Set<Unit>();
    const negate = (unit: Unit) => {
      unit.weight *= factor;
      unit.first = Math.min(unit.first, span.first);
      unit.rule = "negation";
      unit.latent = false;
      negated.push(unit);
      negatedSomething = true;
    };
    for (let anchor = span.last + 1; anchor <= span.last + reach; anchor++) {
      // "Failed to find a buyer for its loss-making plant": once the negator has found what it
      // denies, a prepositional phrase after it only describes that thing.
      if (
        !wholeClause &&
        (negated.length > 0 || deniedWants.length > 0) &&
        DESCRIBING.has(tokens[anchor]?.text ?? "")
      )
        break;
      // "Neither raised nor cut its forecast": each half has its own negator.
      if (words === "neither" && tokens[anchor]?.text === "nor") break;
      // "never cancelled the strike it had threatened": denying a negation denies all it negated.
      const reachable =
        clause[anchor] === clause[span.last] && countBetween(stopsBefore, span.last, anchor) === 0;
      const inner = reachable ? negatedBy.get(anchor) : undefined;
      // A handful at most, so a chain of negations ("not … not … not") stays linear.
      for (const unit of (inner ?? []).slice(0, MAX_DENIED_NEGATED)) {
        work.steps++;
        if (denied.has(unit)) continue;
        denied.add(unit);
        negate(unit);
      }
      for (const unit of byAnchor.get(anchor) ?? []) {
        work.steps++;
        if (denied.has(unit)) continue;
        if (clause[unit.anchor] !== clause[span.last] || unit.negatedBack) continue;
        // "not as high as forecast": an "as" or "so" right after the negator opens a comparison,
        // not a new statement, so the negation reaches across it.
        const comparative =
          unit.anchor > span.last + 1 && COMPARATIVES.has(tokens[span.last + 1]?.text ?? "");
        const stops = countBetween(stopsBefore, span.last, unit.anchor) - (comparative ? 1 : 0);
        if (stops > 0 && !wholeClause) continue;
        if (unit.latent) {
          deniedWants.push(unit);
          continue;
        }
        negate(unit);
        // "Not affected by the strike", "none were delayed by the closure": the harm denied is the
        // cause's, so the cause after "by" is negated with it.
        // The "by" may be the phrase's own last word ("affected by").
        const by = tokens[unit.last]?.text === "by" ? unit.last : unit.last + 1;
        if (tokens[by]?.text === "by" && OCCURRENCES.has(tokens[by - 1]?.text ?? "")) {
          causes.push([by + 1, by + NEGATION_REACH, clause[unit.anchor] ?? -1]);
        }
      }
    }
    // "Won no orders", "suffered no damage": a determiner "no" denies the verb right before it too.
    const before = DENYING_DETERMINERS.has(words) ? byLast.get(span.first - 1) : undefined;
    for (const unit of before ?? []) {
      work.steps++;
      if (unit.latent || unit.rule === "negation" || clause[unit.anchor] !== clause[span.first])
        continue;
      unit.weight *= factor;
      unit.last = Math.max(unit.last, span.last);
      unit.rule = "negation";
      unit.negatedBack = true;
      negatedSomething = true;
    }
    if (negated.length > 0) negatedBy.set(span.first, negated);
    for (const [from, to, inClause] of causes.splice(0)) {
      for (let anchor = from; anchor <= to; anchor++) {
        for (const cause of byAnchor.get(anchor) ?? []) {
          work.steps++;
          if (clause[cause.anchor] !== inClause || cause.rule === "negation") continue;
          cause.weight *= NEGATION_FACTOR;
          cause.rule = "negation";
        }
      }
    }
    // "The tariff was not imposed", "the hurricane did not make landfall": when what is negated is
    // the event happening at all, the negation reaches back to its subject.
    const occurs =
      PASSIVE_CANCELLED.has(words) ||
      EFFECTS_DENIED.has(words) ||
      FAILED.has(words) ||
      (FAILING.has(words) && SUCCESS_VERBS.has(tokens[span.last + 1]?.text ?? "")) ||
      OCCURRENCES.has(tokens[span.last + 1]?.text ?? "") ||
      OCCURRENCES.has(`${tokens[span.last + 1]?.text} ${tokens[span.last + 2]?.text}`) ||
      (AUXILIARIES.has(tokens[span.last + 1]?.text ?? "") &&
        OCCURRENCES.has(tokens[span.last + 2]?.text ?? ""));
    if (occurs) {
      const key = clause[span.first] ?? -1;
      const inClause = byClause.get(key) ?? [];
      let at = subjectsDone.get(key) ?? 0;
      let reversed = 0;
      let wantReversed = false;
      for (; at < inClause.length; at++) {
        work.steps++;
        const unit = inClause[at];
        if (!unit || unit.anchor >= span.first) break;
        if (unit.rule === "negation") continue;
        // "The bid to refinance its debt fell through": the subject's head is what failed, so only
        // the first want in it is denied.
        if (unit.latent && wantReversed) continue;
        if (unit.latent) wantReversed = true;
        unit.weight *= factor;
        unit.last = Math.max(unit.last, span.last);
        unit.rule = "negation";
        unit.latent = false;
        unit.negatedBack = true;
        negatedSomething = true;
        reversed++;
      }
      subjectsDone.set(key, at);
      // "The motion that could have blocked the refinancing failed to win a majority": once the
      // subject is reversed, what it failed to win is only how it failed.
      if (FAILING.has(words) && (reversed > 0 || subjectNegators.get(key) !== span.first)) {
        for (const unit of negated) if (unit.anchor === span.last + 1) unit.weight = 0;
      }
      // An earlier negator's own failure is reversed too, once it is read: in "the motion that
      // could have blocked the refinancing failed", the block did not happen.
      reachedBack.set(key, { before: span.first, factor });
      if (subjectNegators.has(key) && (subjectNegators.get(key) ?? 0) < span.first)
        negatedSomething = true;
    }
    const [want] = deniedWants;
    if (!negatedSomething && want) negate(want);
    // "The planned merger will not go ahead": a plan that does not happen, nothing known to
    // reverse, is a setback like a cancelled one.
    const proceeds = [1, 2].find((length) =>
      PROCEEDING.has(
        tokens
          .slice(span.last + 1, span.last + 1 + length)
          .map((token) => token.text)
          .join(" "),
      ),
    );
    const failureWeight = occurs && proceeds ? STALLED : span.pattern.weight;
    if (!negatedSomething && failureWeight !== 0) {
      // A failure on its own is bad news, and an earlier negator can still deny it.
      const failure: Unit = {
        first: span.first,
        last: span.last + (occurs && proceeds ? proceeds : 0),
        anchor: span.first,
        weight: failureWeight,
        rule: "negation",
      };
      const back = reachedBack.get(clause[span.first] ?? -1);
      if (back && span.first < back.before) failure.weight *= back.factor;
      units.push(failure);
      const list = byAnchor.get(failure.anchor);
      if (list) list.push(failure);
      else byAnchor.set(failure.anchor, [failure]);
    }
  }
  // Words that only matter when denied ("won no orders", "was not included") count for nothing
  // otherwise.
  for (const unit of units) if (unit.latent) unit.weight = 0;

  // Contrast ("but") weights the rest of its sentence up and what came before (in the sentence, or
  // in the previous one when "But" opens a sentence) down; concession and hedge markers, and a
  // sentence-opening "while", weaken the rest of their clause. Counted per position in one pass.
  const contrastBefore = new Int32Array(tokens.length + 1); // contrast markers ending before i, same sentence
  const contrastFrom = new Int32Array(tokens.length + 1); // contrast markers starting at or after i, same sentence
  // Damping factors of each clause in order, and how many of them end before position i, so a unit
  // is multiplied by them one by one, in the same order as the markers appear.
  const dampFactors = new Map<number, number[]>();
  const dampBefore = new Int32Array(tokens.length + 1);
  // Past the first few, the product of the rest: dampTail[clause][j] = factors[EXACT_REPEATS..j).
  const dampTail = new Map<number, number[]>();
  const opensWithContrast = new Set<number>();
  const contrastEnds = new Map<number, number>();
  const contrastStarts = new Map<number, number>();
  const dampEnds = new Map<number, number[]>();
  for (const span of spans) {
    work.steps++;
    if (span.role === "contrast") {
      contrastEnds.set(span.last, (contrastEnds.get(span.last) ?? 0) + 1);
      contrastStarts.set(span.first, (contrastStarts.get(span.first) ?? 0) + 1);
      if (span.first === 0 || sentence[span.first - 1] !== sentence[span.first]) {
        opensWithContrast.add(sentence[span.first] ?? 0);
      }
    } else if (span.role === "concession" || span.role === "hedge") {
      const factor = span.role === "hedge" ? span.pattern.weight : CONCESSION_FACTOR;
      const list = dampEnds.get(span.last) ?? [];
      list.push(factor);
      dampEnds.set(span.last, list);
    }
  }
  for (let position = 0; position < tokens.length; position++) {
    work.steps++;
    const sameSentence = position > 0 && sentence[position - 1] === sentence[position];
    const sameClause = position > 0 && clause[position - 1] === clause[position];
    contrastBefore[position] =
      (sameSentence ? (contrastBefore[position - 1] ?? 0) : 0) +
      (sameSentence ? (contrastEnds.get(position - 1) ?? 0) : 0);
    const ending = sameClause ? (dampEnds.get(position - 1) ?? []) : [];
    dampBefore[position] = (sameClause ? (dampBefore[position - 1] ?? 0) : 0) + ending.length;
    if (ending.length > 0) {
      const key = clause[position] ?? 0;
      const factors = dampFactors.get(key) ?? [];
      const tail = dampTail.get(key) ?? [];
      for (const factor of ending) {
        factors.push(factor);
        tail[factors.length] =
          factors.length <= EXACT_REPEATS ? 1 : (tail[factors.length - 1] ?? 1) * factor;
      }
      dampFactors.set(key, factors);
      dampTail.set(key, tail);
    }
  }
  for (let position = tokens.length - 1; position >= 0; position--) {
    work.steps++;
    const sameSentence = sentence[position + 1] === sentence[position];
    contrastFrom[position] =
      (sameSentence ? (contrastFrom[position + 1] ?? 0) : 0) + (contrastStarts.get(position) ?? 0);
  }
  // "While bookings grew, cash burn rose": a sentence-opening "while" concedes like "although"; a
  // mid-sentence one only joins two facts. "while" opens a clause, so a clause has at most one.
  const openingWhile = new Map<number, number>();
  tokens.forEach((token, position) => {
    const opensSentence = position === 0 || sentence[position - 1] !== sentence[position];
    if (token.text === "while" && opensSentence) openingWhile.set(clause[position] ?? 0, position);
  });

  for (const unit of units) {
    work.steps++;
    const unitSentence = sentence[unit.first] ?? 0;
    const later = contrastBefore[unit.first] ?? 0;
    const lastInSentence = sentence[unit.last + 1] === sentence[unit.last];
    const earlier =
      (lastInSentence ? (contrastFrom[unit.last + 1] ?? 0) : 0) +
      (opensWithContrast.has(unitSentence + 1) ? 1 : 0);
    if (later > 0) unit.weight *= CONTRAST_AFTER;
    if (clause[unit.first] === clause[unit.anchor]) {
      const factors = dampFactors.get(clause[unit.first] ?? 0) ?? [];
      const count = dampBefore[unit.first] ?? 0;
      for (let at = 0; at < Math.min(count, EXACT_REPEATS); at++) unit.weight *= factors[at] ?? 1;
      if (count > EXACT_REPEATS) unit.weight *= dampTail.get(clause[unit.first] ?? 0)?.[count] ?? 1;
    }
    if (earlier > 0) unit.weight *= CONTRAST_BEFORE;
    const whileAt = openingWhile.get(clause[unit.anchor] ?? -1);
    if (whileAt !== undefined && unit.first > whileAt) unit.weight *= CONCESSION_FACTOR;
    // "Rudby Chemicals, which had promised a higher dividend, cut it": the aside is background,
    // the clause it interrupts the news.
    if (shape.asides.has(clause[unit.anchor] ?? -1)) unit.weight *= ASIDE_FACTOR;
    // A question asserts nothing.
    const last = shape.sentenceLast[sentence[unit.anchor] ?? 0];
    if (last !== undefined && tokens[last]?.text === "?") unit.weight *= QUESTION_FACTOR;
  }

  // Judged against expectations, the verdict decides: "revenue rose 4%, short of forecasts" is a
  // miss. Moves reported in a sentence that carries a verdict count for less.
  // A "but" between them keeps both sides whole: "beat estimates, but bad loans rose" is two stories.
  const side = (unit: Unit) => `${sentence[unit.anchor] ?? -1}:${contrastBefore[unit.anchor] ?? 0}`;
  const judged = new Set<string>();
  for (const unit of units) {
    work.steps++;
    if (unit.verdict && unit.weight !== 0) judged.add(side(unit));
  }
  for (const unit of units) {
    work.steps++;
    if (unit.move && !unit.verdict && judged.has(side(unit))) unit.weight *= VERDICT_DOMINANCE;
  }
}

// A quoted title names something: the wind farm "Storm Point", a webinar "Surviving a Ransomware
// Attack". Title case (small words aside) and a few words tell a name from quoted speech.
const TITLE = /(?:^|[\s(])['‘"“]([A-Z][^'’"”\n]{0,60}?)['’"”](?=[\s.,;:!?)]|$)/g;
const TITLE_SMALL_WORDS = new Set([
  "a",
  "an",
  "the",
  "of",
  "and",
  "in",
  "on",
  "for",
  "to",
  "at",
  "by",
]);
const MAX_TITLE_WORDS = 6;
const TITLE_FACTOR = 0.1;

function dampTitles(text: string, tokens: Token[], units: Unit[]): void {
  const titles: [number, number][] = [];
  for (const match of text.matchAll(TITLE)) {
    const inner = match[1] ?? "";
    const words = inner.split(/\s+/).filter(Boolean);
    const titleCase = words.every((word) => TITLE_SMALL_WORDS.has(word) || /^[A-Z0-9]/.test(word));
    if (!titleCase || words.length > MAX_TITLE_WORDS) continue;
    const start = match.index + match[0].indexOf(inner);
    titles.push([start, start + inner.length]);
  }
  if (titles.length === 0) return;
  for (const unit of units) {
    const first = tokens[unit.first];
    const last = tokens[unit.last];
    if (!first || !last) continue;
    if (titles.some(([start, end]) => first.start >= start && last.end <= end + 1)) {
      unit.weight *= TITLE_FACTOR;
    }
  }
}

// "Great Ayton Chemicals", "Mount Homes", "Storm Point": a word of the lexicon that is part of a
// capitalised name is not a signal. Only in sentence-case text: a title-case headline capitalises
// every word, so there the test is off.
const MIN_LOWERCASE_WORDS = 3;

function withoutNames(
  text: string,
  tokens: Token[],
  spans: Span[],
  shape: Structure,
  work: Work,
): Span[] {
  const capitalised = (index: number) => {
    const token = tokens[index];
    if (token?.kind !== "word") return false;
    const initial = text.charAt(token.start);
    return initial !== initial.toLowerCase();
  };
  // "ARPU", "CASM-ex", "NIM": acronyms are the metrics themselves, not names.
  const acronym = (index: number) => {
    const token = tokens[index];
    const second = token ? text.charAt(token.start + 1) : "";
    return second !== "" && second !== second.toLowerCase();
  };
  const lowercaseWords = new Map<number, number>();
  tokens.forEach((token, index) => {
    work.steps++;
    if (token.kind !== "word" || capitalised(index)) return;
    const key = shape.sentence[index] ?? -1;
    lowercaseWords.set(key, (lowercaseWords.get(key) ?? 0) + 1);
  });
  const sameSentence = (a: number, b: number) => shape.sentence[a] === shape.sentence[b];
  return spans.filter((span) => {
    work.steps++;
    const signal = span.role === "lexicon" || span.role === "direction" || span.role === "object";
    if (!signal || span.first !== span.last || !capitalised(span.first) || acronym(span.first)) {
      return true;
    }
    if ((lowercaseWords.get(shape.sentence[span.first] ?? -1) ?? 0) < MIN_LOWERCASE_WORDS)
      return true;
    const opensSentence = span.first === 0 || !sameSentence(span.first - 1, span.first);
    const nameAfter = sameSentence(span.first, span.first + 1) && capitalised(span.first + 1);
    const nameBefore = !opensSentence && capitalised(span.first - 1);
    return !(nameAfter || nameBefore);
  });
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

/**
 * For tests: the number of inner-loop steps `analyzeSentiment(text)` takes, a clock-free measure of
 * its cost. Not exported from the package.
 */
export function countEngineSteps(text: string): number {
  const work: Work = { steps: 0 };
  analyze(text, work);
  return work.steps;
}

export function analyzeSentiment(text: string): SentimentResult {
  return analyze(text, { steps: 0 });
}

function analyze(text: string, work: Work): SentimentResult {
  if (typeof text !== "string" || text.trim() === "") return { ...EMPTY_RESULT, evidence: [] };
  const tokens = tokenize(text);
  const shape = structure(text, tokens, findSpans(tokens, work), work);
  const spans = withoutNames(text, tokens, shape.spans, shape, work);
  const { units: comparisons, compared } = comparisonUnits(tokens, spans, shape, work);
  const units = baseUnits(spans, shape, work, compared);
  units.push(...comparisons);
  units.sort((a, b) => a.first - b.first || a.last - b.last);
  applyModifiers(tokens, spans, units, shape, work);
  dampTitles(text, tokens, units);

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
