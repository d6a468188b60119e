// Five-level sentiment labels on the Alpha Vantage NEWS_SENTIMENT scale, and the score → label mapping.

export const ENGINE_VERSION = "finsent-1.5.0";

export type SentimentLabel =
  | "Bearish"
  | "Somewhat-Bearish"
  | "Neutral"
  | "Somewhat-Bullish"
  | "Bullish";

export const SENTIMENT_LABELS: readonly SentimentLabel[] = Object.freeze([
  "Bearish",
  "Somewhat-Bearish",
  "Neutral",
  "Somewhat-Bullish",
  "Bullish",
]);

// The same cut points Alpha Vantage publishes for its news feed, so scores from this engine and
// from that API can be read with one legend.
export function labelForScore(score: number): SentimentLabel {
  if (score <= -0.35) return "Bearish";
  if (score <= -0.15) return "Somewhat-Bearish";
  if (score < 0.15) return "Neutral";
  if (score < 0.35) return "Somewhat-Bullish";
  return "Bullish";
}
