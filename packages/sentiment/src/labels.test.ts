// Tests for the five-level label thresholds (Alpha Vantage cut points) at and around each boundary.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ENGINE_VERSION, labelForScore, SENTIMENT_LABELS } from "./labels";

describe("labelForScore", () => {
  it.each([
    [-1, "Bearish"],
    [-0.35, "Bearish"],
    [-0.3499, "Somewhat-Bearish"],
    [-0.15, "Somewhat-Bearish"],
    [-0.1499, "Neutral"],
    [0, "Neutral"],
    [0.1499, "Neutral"],
    [0.15, "Somewhat-Bullish"],
    [0.3499, "Somewhat-Bullish"],
    [0.35, "Bullish"],
    [1, "Bullish"],
  ] as const)("labels %d as %s", (score, label) => {
    expect(labelForScore(score)).toBe(label);
  });

  it("never moves down the scale as the score rises", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        (a, b) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          expect(SENTIMENT_LABELS.indexOf(labelForScore(low))).toBeLessThanOrEqual(
            SENTIMENT_LABELS.indexOf(labelForScore(high)),
          );
        },
      ),
    );
  });

  it("lists the labels from most bearish to most bullish", () => {
    expect(SENTIMENT_LABELS).toEqual([
      "Bearish",
      "Somewhat-Bearish",
      "Neutral",
      "Somewhat-Bullish",
      "Bullish",
    ]);
    expect(ENGINE_VERSION).toMatch(/^finsent-\d+\.\d+\.\d+$/);
  });
});
