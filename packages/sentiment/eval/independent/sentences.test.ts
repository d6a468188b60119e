// Integrity of the independent evaluation set: big enough to mean something, every hard kind well
// represented, clean labels, and two halves that match in mix and were dealt by split.ts. It reads
// only the data: importing the engine here would let a change to the engine touch the set's gate.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  HARD_KINDS,
  KINDS,
  POLARITIES,
  INDEPENDENT_SENTENCES as SENTENCES,
  type Split,
} from "./sentences";
import { countsTable, LATER_BATCHES, SPLIT_SEED, splitOf } from "./split";

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;
const normalise = (text: string) => text.toLowerCase().replace(/\s+/g, " ").trim();
const half = (split: Split) => SENTENCES.filter((sentence) => sentence.split === split);
const share = (subset: readonly unknown[], of: readonly unknown[]) => subset.length / of.length;

describe("the independent evaluation set", () => {
  it("holds at least 600 sentences, at least three quarters of them hard", () => {
    expect(SENTENCES.length).toBeGreaterThanOrEqual(600);
    const plainOnly = SENTENCES.filter((sentence) =>
      sentence.kinds.every((kind) => kind === "plain"),
    );
    expect(share(plainOnly, SENTENCES)).toBeLessThanOrEqual(0.25);
  });

  it("numbers its sentences ind-0001, ind-0002, … with no gaps or repeats", () => {
    expect(SENTENCES.map((sentence) => sentence.id)).toEqual(
      SENTENCES.map((_, index) => `ind-${String(index + 1).padStart(4, "0")}`),
    );
  });

  it("never repeats a sentence, even with different case or spacing", () => {
    const texts = SENTENCES.map((sentence) => normalise(sentence.text));
    expect(new Set(texts).size).toBe(texts.length);
  });

  it("gives every sentence a valid label, a company, and 4 to 50 words", () => {
    for (const sentence of SENTENCES) {
      expect(POLARITIES, sentence.id).toContain(sentence.label);
      expect(sentence.company.trim().length, sentence.id).toBeGreaterThan(0);
      expect(sentence.text, sentence.id).toBe(sentence.text.trim());
      expect(words(sentence.text), sentence.id).toBeGreaterThanOrEqual(4);
      expect(words(sentence.text), sentence.id).toBeLessThanOrEqual(50);
    }
  });

  it("keeps the labels near a third each", () => {
    for (const label of POLARITIES) {
      const subset = SENTENCES.filter((sentence) => sentence.label === label);
      expect(share(subset, SENTENCES), label).toBeGreaterThan(0.3);
      expect(share(subset, SENTENCES), label).toBeLessThan(0.37);
    }
  });

  it("tags every sentence with known kinds, once each, and plain only alone", () => {
    for (const sentence of SENTENCES) {
      expect(sentence.kinds.length, sentence.id).toBeGreaterThan(0);
      expect(new Set(sentence.kinds).size, sentence.id).toBe(sentence.kinds.length);
      for (const kind of sentence.kinds) expect(KINDS, sentence.id).toContain(kind);
      if (sentence.kinds.includes("plain")) expect(sentence.kinds, sentence.id).toEqual(["plain"]);
    }
  });

  it("carries at least 60 sentences of every hard kind", () => {
    for (const kind of HARD_KINDS) {
      const subset = SENTENCES.filter((sentence) => sentence.kinds.includes(kind));
      expect(subset.length, kind).toBeGreaterThanOrEqual(60);
    }
  });

  it("labels every loaded-neutral sentence neutral, as the kind requires", () => {
    for (const sentence of SENTENCES.filter((item) => item.kinds.includes("loaded-neutral"))) {
      expect(sentence.label, sentence.id).toBe("neutral");
    }
  });

  it("puts every sentence in the half its id and its batch's seed deal it to", () => {
    for (const sentence of SENTENCES)
      expect(sentence.split, sentence.id).toBe(splitOf(sentence.id));
  });

  it("keeps the first 739 sentences, already scored, in the halves SPLIT_SEED gave them", () => {
    for (const sentence of SENTENCES.slice(0, 739))
      expect(sentence.split, sentence.id).toBe(splitOf(sentence.id, SPLIT_SEED));
    const firsts = LATER_BATCHES.map((batch) => batch.first);
    expect(firsts.every((first, index) => first > (firsts[index - 1] ?? 739))).toBe(true);
  });

  it("splits into halves of the same size and the same mix of labels and kinds", () => {
    const dev = half("dev");
    const heldOut = half("held-out");
    expect(Math.abs(dev.length - heldOut.length)).toBeLessThanOrEqual(2);
    for (const label of POLARITIES) {
      const inDev = dev.filter((sentence) => sentence.label === label);
      const inHeldOut = heldOut.filter((sentence) => sentence.label === label);
      expect(Math.abs(share(inDev, dev) - share(inHeldOut, heldOut)), label).toBeLessThan(0.02);
    }
    for (const kind of KINDS) {
      const inDev = dev.filter((sentence) => sentence.kinds.includes(kind));
      const inHeldOut = heldOut.filter((sentence) => sentence.kinds.includes(kind));
      expect(Math.abs(share(inDev, dev) - share(inHeldOut, heldOut)), kind).toBeLessThan(0.03);
    }
  });

  it("is described by README.md with its current counts and a held-out look counter", () => {
    const readme = readFileSync(new URL("./README.md", import.meta.url), "utf8");
    expect(readme).toContain(countsTable(SENTENCES));
    expect(readme).toMatch(/^Held-out half scored: \d+ times?\b/m);
  });
});
