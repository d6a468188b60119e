// Tokenizer for the sentiment engine: lower-cased word, number and punctuation tokens with their
// character offsets into the original text, so evidence can point back at what it matched.

export interface Token {
  /** Lower-cased, curly apostrophes straightened. */
  text: string;
  start: number;
  end: number;
  kind: "word" | "number" | "punct";
}

// Hyphenated compounds ("better-than-expected", "full-year") stay one token so the lexicon can
// name them directly; "n't" is split off so "didn't" negates like "did not".
const TOKEN_PATTERN =
  /[A-Za-z](?:[A-Za-z'’-]*[A-Za-z])?(?:['’](?![A-Za-z]))?|[$€£]?\d+(?:[.,]\d+)*%?|[^\sA-Za-z\d]/g;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(TOKEN_PATTERN)) {
    const raw = match[0];
    const start = match.index;
    const lower = raw.toLowerCase().replaceAll("’", "'");
    if (/^[a-z]/.test(lower)) {
      if (lower.endsWith("n't") && lower.length > 3) {
        const stem = lower === "can't" ? "ca" : lower === "won't" ? "wo" : lower.slice(0, -3);
        tokens.push({ text: stem, start, end: start + stem.length, kind: "word" });
        tokens.push({
          text: "not",
          start: start + stem.length,
          end: start + raw.length,
          kind: "word",
        });
        continue;
      }
      // Possessives ("analysts'", "company's") carry no sentiment of their own.
      const word = lower.replace(/'s$|'$/, "");
      tokens.push({ text: word, start, end: start + raw.length, kind: "word" });
    } else if (/\d/.test(lower)) {
      tokens.push({ text: lower, start, end: start + raw.length, kind: "number" });
    } else {
      tokens.push({ text: lower, start, end: start + raw.length, kind: "punct" });
    }
  }
  return tokens;
}
