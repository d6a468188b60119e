// Tests for the sentiment engine: each rule with examples, score bounds, offsets and empty input.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzeSentiment, countEngineSteps } from "./engine";
import { tokenize } from "./tokenize";

const score = (text: string) => analyzeSentiment(text).score;
/** The sign of a sentence's score, outside the Neutral band (|score| ≥ 0.15). */
const expectClearSign = (text: string, sign: number) => {
  expect(Math.sign(score(text))).toBe(sign);
  expect(Math.abs(score(text))).toBeGreaterThanOrEqual(0.15);
};

describe("analyzeSentiment: empty and evidence-free input", () => {
  it.each(["", "   ", "\n\t"])("scores %j as Neutral with no evidence", (text) => {
    expect(analyzeSentiment(text)).toEqual({
      score: 0,
      label: "Neutral",
      confidence: 0,
      evidence: [],
    });
  });

  it("gives a factual sentence with finance words no score", () => {
    expect(analyzeSentiment("The company will report earnings and revenue on Tuesday.")).toEqual({
      score: 0,
      label: "Neutral",
      confidence: 0,
      evidence: [],
    });
  });
});

describe("lexicon and phrases", () => {
  it.each([
    ["Analysts upgraded the stock", 1],
    ["Analysts downgraded the stock", -1],
    ["The bank issued a profit warning", -1],
    ["Results beat analysts' estimates", 1],
    ["The company missed consensus estimates", -1],
    ["The insurer swung to a profit", 1],
    ["The drug trial met its primary endpoint", 1],
    ["The company filed for Chapter 11", -1],
  ])("%s has sign %d", (text, sign) => {
    expect(Math.sign(score(text))).toBe(sign);
  });

  it("matches a phrase across a short gap and reports it as one piece of evidence", () => {
    const result = analyzeSentiment("Quarterly results beat analysts' estimates.");
    expect(result.evidence).toHaveLength(1);
    expect(result.evidence[0]).toMatchObject({
      phrase: "beat analysts' estimates",
      rule: "phrase",
    });
  });

  it("prefers the longest match: a record loss is bad news", () => {
    expect(score("The airline posted a record loss")).toBeLessThan(0);
    expect(score("The airline posted record revenue")).toBeGreaterThan(0);
  });
});

describe("direction × object", () => {
  it.each([
    ["Revenue fell 5%", -1],
    ["Costs fell 5%", 1],
    ["The net loss narrowed", 1],
    ["The net loss widened", -1],
    ["Debt rose", -1],
    ["Margin expanded", 1],
    ["Operating expenses declined", 1],
    ["The company cut costs", 1],
    ["The company cut its guidance", -1],
    ["The company raised its dividend", 1],
    ["Higher fuel costs hit the airline", -1],
    ["A rise in revenue", 1],
    ["Customer churn fell", 1],
    ["Emissions fell 30%", 1],
  ])("%s has sign %d", (text, sign) => {
    const result = analyzeSentiment(text);
    expect(Math.sign(result.score)).toBe(sign);
    expect(result.evidence.some((item) => item.rule === "direction-object")).toBe(true);
  });

  it("pairs each movement with its nearest quantity", () => {
    const result = analyzeSentiment("Revenue rose while costs fell");
    expect(result.evidence.map((item) => [item.phrase, Math.sign(item.weight)])).toEqual([
      ["Revenue rose", 1],
      ["costs fell", 1],
    ]);
  });

  it("scales a move by its size", () => {
    expect(score("Revenue fell 30%")).toBeLessThan(score("Revenue fell 5%"));
    expect(score("Revenue fell 1%")).toBeGreaterThan(score("Revenue fell 5%"));
  });
});

describe("review fixes: one move counted once, comparatives, lifted threats, plain words", () => {
  const polarity = (text: string) => {
    const value = score(text);
    return value <= -0.15 ? "negative" : value >= 0.15 ? "positive" : "neutral";
  };

  it.each([
    ["Revenue fell to its lowest level in years.", "negative"],
    ["Shares fell to a record low.", "negative"],
    ["Profit was not as high as forecast.", "negative"],
    ["Earnings were not as strong as expected.", "negative"],
    ["The regulator dropped its investigation into the company.", "positive"],
    ["The lawsuit was dismissed.", "positive"],
    ["Results were good.", "positive"],
    ["Results were not good.", "negative"],
    ["The stock is not a buy.", "negative"],
  ])("%s is %s", (text, expected) => {
    expect(polarity(text)).toBe(expected);
  });

  it("counts a move described twice ('fell to its lowest') as one piece of evidence", () => {
    for (const text of [
      "Revenue fell to its lowest level in years.",
      "Shares fell to a record low.",
      "Profit did not fall to a record low.",
    ]) {
      const moves = analyzeSentiment(text).evidence;
      expect(moves).toHaveLength(1);
      for (const other of moves.slice(1)) {
        expect(other.start >= (moves[0]?.end ?? 0) || other.end <= (moves[0]?.start ?? 0)).toBe(
          true,
        );
      }
    }
    expect(score("Profit did not fall to a record low.")).toBeGreaterThan(0);
  });

  it("keeps opposite moves of one quantity apart", () => {
    expect(
      analyzeSentiment("Shares rose and then fell.").evidence.map((item) => item.weight),
    ).toEqual([1, -1]);
  });

  it("reads record highs and lows by what reached them", () => {
    expect(score("Shares hit a record high.")).toBeGreaterThan(0.35);
    expect(score("Costs hit a record high.")).toBeLessThan(-0.35);
    expect(score("Unemployment fell to a multi-year low.")).toBeGreaterThan(0);
    expect(score("The index closed at an all-time high.")).toBeGreaterThan(0);
  });

  it("lifts a legal threat only when it is what was dropped", () => {
    expect(score("Prosecutors dropped all charges against the chairman.")).toBeGreaterThan(0);
    expect(score("The complaint has been withdrawn.")).toBeGreaterThan(0);
    expect(score("Shares dropped after the probe.")).toBeLessThan(-0.35);
  });

  it("negates across a comparison but not across a new clause", () => {
    expect(score("Margins were not as weak as feared.")).toBeGreaterThan(0);
    const later = analyzeSentiment("Revenue did not fall as costs rose.").evidence.at(-1);
    expect(later).toMatchObject({ phrase: "costs rose", rule: "direction-object" });
    expect(later?.weight).toBeLessThan(0);
  });
});

describe("negation", () => {
  it.each([
    ["The company did not beat expectations", -1],
    ["The company didn't beat expectations", -1],
    ["It no longer expects growth", -1],
    ["The drug failed to meet expectations", -1],
    ["Revenue did not rise", -1],
    ["Costs did not rise", 1],
    ["The insurer avoided a loss", 1],
    ["The bank found no impairment", 1],
  ])("%s has sign %d", (text, sign) => {
    const result = analyzeSentiment(text);
    expect(Math.sign(result.score)).toBe(sign);
    expect(result.evidence.some((item) => item.rule === "negation")).toBe(true);
  });

  it("keeps a negated signal weaker than its plain opposite", () => {
    expect(Math.abs(score("did not beat expectations"))).toBeLessThan(
      Math.abs(score("beat expectations")),
    );
  });

  it("does not reach across a clause", () => {
    const result = analyzeSentiment(
      "Nothing changed for the dividend, and revenue did not fall. Profit rose.",
    );
    expect(result.evidence.find((item) => item.phrase.startsWith("Profit"))?.rule).toBe(
      "direction-object",
    );
  });

  it("lets a negated subject deny its whole clause, however far the verb", () => {
    expect(
      score("None of the five bids the group submitted this year was successful."),
    ).toBeLessThan(-0.15);
    expect(score("Not one of the retailer's new stores has turned a profit.")).toBeLessThan(-0.15);
  });

  it("reverses a negated negation twice", () => {
    expect(score("The airline never cancelled the strike it had threatened.")).toBeLessThan(-0.15);
    expect(score("The union did not call off the strike.")).toBeLessThan(-0.15);
    expect(score("The court refused to block the merger.")).toBeGreaterThan(0.15);
  });

  it("reads a denied want as bad news, and the want alone as nothing", () => {
    expect(score("The fund has found no buyer for the tower.")).toBeLessThan(-0.15);
    expect(score("The drug was not accepted for reimbursement.")).toBeLessThan(-0.15);
    expect(score("The bank said it would not be able to resume dividends this year.")).toBeLessThan(
      -0.15,
    );
    expect(score("The miner has no debt.")).toBeGreaterThan(0.15);
    expect(analyzeSentiment("The firm found a new office.").evidence).toEqual([]);
    expect(analyzeSentiment("The company did not publish guidance, as usual.").evidence).toEqual(
      [],
    );
  });

  it("lets a denial deny what it reports", () => {
    expect(
      score("The company denied reports that it plans to shut its biggest smelter."),
    ).toBeGreaterThan(0.15);
    expect(
      score("It is not true that the bank is cutting its dividend, the chairman said."),
    ).toBeGreaterThan(0.15);
  });

  it("does not let determiners use up a negation's reach", () => {
    expect(
      score("The regulator rejected the utility's request for a price increase."),
    ).toBeLessThan(-0.15);
  });

  it("lets 'no' deny the verb right before it", () => {
    expect(score("The carmaker won no new contracts in Asia.")).toBeLessThan(-0.15);
    expect(score("The lender suffered no losses on the loan.")).toBeGreaterThan(0.15);
  });

  it("treats 'not only' as emphasis, not negation", () => {
    expect(score("The company not only beat estimates but raised its outlook")).toBeGreaterThan(
      0.35,
    );
  });
});

describe("what moved", () => {
  it("reads the quantity a prepositional phrase qualifies as what moved", () => {
    expect(score("Arrears among the lender's mortgage customers rose sharply.")).toBeLessThan(
      -0.15,
    );
    expect(score("Growth in subscription revenue slowed in the quarter.")).toBeLessThan(-0.15);
    expect(score("Arrears among its mortgage customers rose to 2.9% from 1.7%.")).toBeLessThan(
      -0.15,
    );
  });

  it("reads staff turnover as a cost and a move below a level as a verb", () => {
    expect(score("Employee turnover at the call centres fell.")).toBeGreaterThan(0.15);
    expect(score("The combined ratio fell below 95%.")).toBeGreaterThan(0.15);
  });

  it("undoes a threat that is ended and ignores a tender for the company's own notes", () => {
    expect(score("The pay deal ends the threat of strikes at the port.")).toBeGreaterThan(0.15);
    expect(
      analyzeSentiment("The company's tender offer for its own notes expires on Monday.").label,
    ).toBe("Neutral");
    expect(
      analyzeSentiment(
        "The insurer's head of claims will speak about flood losses at a trade fair.",
      ).label,
    ).toBe("Neutral");
  });
});

describe("intensifiers", () => {
  it("strengthens with 'sharply' and weakens with 'slightly'", () => {
    const plain = score("Revenue fell");
    expect(score("Revenue fell sharply")).toBeLessThan(plain);
    expect(score("Revenue fell slightly")).toBeGreaterThan(plain);
    expect(score("Revenue fell slightly")).toBeLessThan(0);
  });

  it("records the intensified phrase as evidence", () => {
    const result = analyzeSentiment("Costs fell sharply.");
    expect(result.evidence[0]).toMatchObject({ phrase: "Costs fell sharply", rule: "intensifier" });
    expect(result.evidence[0]?.weight).toBeGreaterThan(1);
  });
});

describe("contrast, concession and hedges", () => {
  it("lets the clause after 'but' outweigh the one before", () => {
    expect(
      score("Revenue beat estimates, but the company cut its full-year guidance"),
    ).toBeLessThan(0);
    expect(score("Revenue missed estimates, but the company raised its outlook")).toBeGreaterThan(
      0,
    );
  });

  it("weakens what a 'despite' clause says", () => {
    expect(score("Despite weak sales, profit rose")).toBeGreaterThan(0);
    expect(score("Shares fell despite strong sales")).toBeLessThan(0);
  });

  it("weakens what a 'whether' clause or a question says", () => {
    expect(Math.abs(score("Investors will watch whether margins expand"))).toBeLessThan(0.15);
    expect(Math.abs(score("Will the company beat estimates?"))).toBeLessThan(
      Math.abs(score("The company will beat estimates.")),
    );
  });
});

describe("sentence structure", () => {
  it("reads adjacent quantities as one thing named by the last word", () => {
    const result = analyzeSentiment("Impairment charges fell sharply");
    expect(result.evidence).toHaveLength(1);
    expect(result.evidence[0]?.phrase).toBe("Impairment charges fell sharply");
    expect(result.score).toBeGreaterThan(0);
  });

  it("counts a failure as bad news even when what failed is unknown", () => {
    expect(
      analyzeSentiment("The bank was unable to raise fresh capital").evidence[0],
    ).toMatchObject({
      phrase: "unable to",
      rule: "negation",
    });
    expect(score("The bank was unable to raise fresh capital")).toBeLessThan(0);
  });

  it("treats a sentence-opening 'while' as a concession", () => {
    expect(score("While bookings grew, cash burn rose sharply")).toBeLessThan(0);
  });

  it("does not end a sentence at a company suffix", () => {
    const result = analyzeSentiment(
      "Shares of Quartexa Semiconductor Corp. rose 9% as inflation eased.",
    );
    expect(result.evidence.map((item) => item.phrase)).toContain(
      "Shares of Quartexa Semiconductor Corp. rose",
    );
  });

  it("does not count the baseline of a comparison", () => {
    expect(score("The insurer swung to a net profit from a loss a year ago")).toBeGreaterThan(0.35);
  });
});

describe("figures and expectations", () => {
  const label = (text: string) => analyzeSentiment(text).label;
  const rules = (text: string) => analyzeSentiment(text).evidence.map((item) => item.rule);

  it("compares a reported figure with the estimate it is set against", () => {
    expect(score("Adjusted EPS of $2.04 vs. $1.97 est.")).toBeGreaterThan(0.15);
    expect(score("Adjusted EPS of $2.04 vs. $2.11 est.")).toBeLessThan(-0.15);
    expect(rules("Adjusted EPS of $2.04 vs. $1.97 est.")).toEqual(["comparison"]);
    // Within half a percent is in line, not a beat.
    expect(label("Adjusted EPS of $2.04 vs. $2.05 est.")).toBe("Neutral");
  });

  it("reads a figure against an expectation by what it measures", () => {
    // A loss smaller than expected beats; a loss larger than expected misses.
    expect(
      score("The net loss was 9 cents a share, against the 14 cents analysts forecast."),
    ).toBeGreaterThan(0.15);
    expect(
      score("The net loss was 19 cents a share, against the 14 cents analysts forecast."),
    ).toBeLessThan(-0.15);
    expect(score("Operating expenses came in under budget.")).toBeGreaterThan(0.15);
    expect(score("Third-quarter bookings landed below the consensus view.")).toBeLessThan(-0.15);
  });

  it("reads an expectation named in the next sentence", () => {
    expect(
      score("Sales were $812 million. Analysts polled by the agency had expected $780 million."),
    ).toBeGreaterThan(0.15);
  });

  it("lets the verdict on expectations outweigh the reported move", () => {
    expect(score("Subscriptions grew 6%, short of the 9% the market expected.")).toBeLessThan(
      -0.15,
    );
    expect(score("The deficit widened less than forecast.")).not.toBeLessThan(0);
  });

  it("reads comparatives against expectations through their quantity", () => {
    expect(score("Its quarterly loss was narrower than forecast.")).toBeGreaterThan(0.15);
    expect(score("It reported a wider-than-expected loss.")).toBeLessThan(-0.15);
    expect(score("Churn was higher than anticipated.")).toBeLessThan(-0.15);
  });

  it("compares a figure with the earlier period in brackets or after 'compared with'", () => {
    expect(score("Operating profit was EUR 4.6 mn (EUR 3.9 mn).")).toBeGreaterThan(0.15);
    expect(
      score("Net sales were EUR 51.0 mn compared with EUR 57.3 mn a year earlier."),
    ).toBeLessThan(-0.15);
  });

  it("reads a sign written against a percentage as a move", () => {
    expect(score("ZNDH -6.5% after the update")).toBeLessThan(-0.15);
    expect(score("Gross margin +90bps y/y")).toBeGreaterThan(0.15);
    expect(score("Unit costs +8%")).toBeLessThan(-0.15);
    // Ranges are not signs.
    expect(label("Volumes are seen at 3-4% for the year.")).toBe("Neutral");
  });
});

describe("finance phrasing", () => {
  it("reaches a verb past a prepositional phrase on its subject", () => {
    expect(score("Sales of the group's biggest product line slipped.")).toBeLessThan(-0.15);
  });

  it("reads posting a profit as the mirror of posting a loss", () => {
    expect(score("The unit posted a small profit.")).toBeGreaterThan(0);
    expect(score("The unit posted a small loss.")).toBeLessThan(0);
  });

  it("reads what drove a result", () => {
    expect(score("Margins were hit by higher freight rates.")).toBeLessThan(-0.15);
    expect(score("Results were buoyed by strong demand for its chips.")).toBeGreaterThan(0.15);
  });
});

describe("negated events, comparatives of a movement, period labels", () => {
  it("negates the subject of an event that did not happen", () => {
    expect(score("The windfall levy was not imposed.")).toBeGreaterThan(0.15);
    expect(score("The typhoon did not make landfall near the refinery.")).toBeGreaterThan(0);
  });

  it("reads a rejected or refused event by what it would have meant", () => {
    expect(score("Shareholders rejected the hostile takeover bid.")).toBeLessThan(0);
    expect(score("Pilots rejected a walkout, keeping flights running.")).toBeGreaterThan(-0.15);
    expect(score("The regulator refused the merger.")).toBeLessThan(-0.15);
  });

  it("reads a comparative in front of a movement as the size of that movement", () => {
    expect(
      score("Orders fell 4%, a smaller decline than the 9% drop analysts expected."),
    ).toBeGreaterThan(0.15);
    expect(
      score("Volumes rose 2%, a smaller rise than the 6% gain analysts expected."),
    ).toBeLessThan(-0.15);
  });

  it("reads the move a degree marker measures", () => {
    expect(score("The quarterly loss narrowed more than analysts had forecast.")).toBeGreaterThan(
      0.15,
    );
    expect(score("Bookings grew less than the company had promised.")).toBeLessThan(-0.15);
  });

  it("does not read period labels or years as figures", () => {
    expect(score("Return on equity 11.4% (Q2: 9.8%).")).toBeGreaterThan(0.15);
    expect(analyzeSentiment("The plant opens in Q3 2026 vs 2027 before.").label).toBe("Neutral");
  });

  it("treats near-identical figures as in line", () => {
    expect(analyzeSentiment("Comparable sales +3.0% vs +3.1% consensus.").label).toBe("Neutral");
    expect(analyzeSentiment("EPS $1.52 vs $1.51 est.").label).toBe("Neutral");
  });
});

describe("names, scenarios and harm that did not happen", () => {
  const label = (text: string) => analyzeSentiment(text).label;

  it("does not read a lexicon word inside a capitalised name", () => {
    expect(label("Bright Harvest Foods opened a depot in Leeds.")).toBe("Neutral");
    expect(label("Shares of Record Point Mining were unchanged.")).toBe("Neutral");
    // Acronyms are metrics, not names.
    expect(score("Hollin Telecom ARPU rose 3% in the quarter.")).toBeGreaterThan(0.15);
  });

  it("reads a scenario or a product's purpose as description, not news", () => {
    expect(label("Its downside scenario assumes a severe recession.")).toBe("Neutral");
    expect(label("The firm sells software that helps insurers detect fraud.")).toBe("Neutral");
  });

  it("negates the cause of a harm that did not happen", () => {
    expect(score("None of its mills were affected by the blackout.")).toBeGreaterThan(0.15);
    expect(score("The flood had not damaged the warehouse.")).toBeGreaterThan(0);
  });

  it("reads a ratio by its numerator and a multiple as a figure", () => {
    expect(score("Net debt/EBITDA 1.8x (June: 2.6x).")).toBeGreaterThan(0.15);
  });
});

describe("degrees against expectations", () => {
  it("reads 'more … than estimated' and 'a smaller fall than feared' as verdicts", () => {
    expect(score("The field should yield more oil than first estimated.")).toBeGreaterThan(0.15);
    expect(score("Bookings eased 2%, a smaller fall than the market had feared.")).toBeGreaterThan(
      0.15,
    );
  });

  it("keeps compound quantities whole", () => {
    expect(score("Profit before tax fell 12%.")).toBeLessThan(-0.15);
    expect(score("The levy on its refineries was dropped.")).toBeGreaterThan(0.15);
  });
});

describe("effects that did not happen and means after 'by'", () => {
  it("negates the cause of an effect that was small or absent", () => {
    expect(score("The port strike had little impact on its deliveries.")).toBeGreaterThan(0);
  });

  it("does not pair a movement after 'by' with the quantity before it", () => {
    expect(score("It avoided layoffs by trimming executive pay.")).toBeGreaterThan(0.15);
  });

  it("lets a pattern's gap hold a figure", () => {
    expect(score("The chain closed 45 stores.")).toBeLessThan(-0.15);
    expect(score("The chain expects to open 20 stores next year.")).toBeGreaterThan(0.15);
  });
});

describe("cancelled events and loaded words", () => {
  const label = (text: string) => analyzeSentiment(text).label;

  it("reverses what a cancelled event would have meant", () => {
    expect(score("Dockworkers called off the planned strike.")).toBeGreaterThan(0.15);
    expect(score("Management scrapped plans to close the two plants.")).toBeGreaterThan(0.15);
    expect(score("The board cancelled the share buyback.")).toBeLessThan(-0.15);
    // Cancelling something the lexicon does not know is a setback.
    expect(score("The retailer shelved its flotation.")).toBeLessThan(-0.15);
  });

  it("does not read a loaded word that names a product or a team as news", () => {
    expect(label("The lender rolled out a fraud-detection service for merchants.")).toBe("Neutral");
    expect(label("The bank expanded its disaster recovery team in Dublin.")).toBe("Neutral");
    expect(label("The firm filed for bankruptcy protection.")).not.toBe("Neutral");
  });

  it("damps a topic that is only being discussed", () => {
    expect(label("The exchange hosted a webinar on recession risks.")).toBe("Neutral");
  });
});

describe("result shape", () => {
  it("points every piece of evidence at the text it matched", () => {
    const text = "Halvorsen's net loss narrowed sharply, but analysts downgraded the shares.";
    const result = analyzeSentiment(text);
    expect(result.evidence.length).toBeGreaterThan(0);
    for (const item of result.evidence) {
      expect(text.slice(item.start, item.end)).toBe(item.phrase);
    }
  });

  it("labels with the published thresholds and reports confidence in [0, 1]", () => {
    const result = analyzeSentiment("Profit jumped 40% and the company raised its dividend.");
    expect(result.label).toBe("Bullish");
    expect(result.confidence).toBeGreaterThan(0.5);
    expect(result.confidence).toBeLessThanOrEqual(1);
  });

  it("is less confident about mixed evidence than about agreeing evidence", () => {
    const agreeing = analyzeSentiment("Revenue rose and margins expanded");
    const mixed = analyzeSentiment("Revenue rose and margins shrank");
    expect(mixed.confidence).toBeLessThan(agreeing.confidence);
  });

  const financeWords = fc.constantFrom(
    "revenue",
    "costs",
    "fell",
    "rose",
    "not",
    "no",
    "sharply",
    "slightly",
    "beat",
    "missed",
    "loss",
    "narrowed",
    "debt",
    "guidance",
    "cut",
    "raised",
    "but",
    "despite",
    "record",
    "strong",
    "weak",
    "upgrade",
    "downgrade",
    "did",
    "expectations",
    "growth",
    ",",
    ".",
    "?",
    "25%",
    "1%",
  );

  it("keeps the score in [-1, 1] and the offsets valid for any text", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(financeWords, { maxLength: 60 }).map((words) => words.join(" ")),
        ),
        (text) => {
          const result = analyzeSentiment(text);
          expect(result.score).toBeGreaterThanOrEqual(-1);
          expect(result.score).toBeLessThanOrEqual(1);
          expect(result.confidence).toBeGreaterThanOrEqual(0);
          expect(result.confidence).toBeLessThanOrEqual(1);
          for (const item of result.evidence)
            expect(text.slice(item.start, item.end)).toBe(item.phrase);
          if (result.evidence.length === 0) expect(result.score).toBe(0);
        },
      ),
      { numRuns: 500 },
    );
  });

  it.each([
    [`${"but ".repeat(2490)}beat`, 1],
    ["but beat ".repeat(1110), 1],
    [`Revenue fell ${"sharply ".repeat(1240)}`, -1],
  ])("stays finite when a modifier repeats thousands of times (%#)", (text, sign) => {
    const result = analyzeSentiment(text);
    expect(Number.isFinite(result.score)).toBe(true);
    expect(Math.sign(result.score)).toBe(sign);
    expect(Number.isFinite(result.confidence)).toBe(true);
  });

  it("is deterministic", () => {
    const text = "Revenue fell sharply but costs fell too.";
    expect(analyzeSentiment(text)).toEqual(analyzeSentiment(text));
  });
});

describe("cost", () => {
  // Not timed (speed is measured in `npm run bench`): the engine counts its inner-loop steps, and
  // on texts built to make pairing and modifiers quadratic the count must stay a small multiple of
  // the token count, at 1,000 and at 10,000 characters (the MCP tool's maximum).
  const fill = (unit: string, size: number) =>
    unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
  const STEPS_PER_TOKEN = 30;

  it.each([
    "revenue fell to its lowest ",
    "Revenue fell sharply ",
    "revenue fell costs rose debt cut ",
    "revenue costs margin debt guidance ",
    "fell rose cut raised lower higher ",
    "not revenue did not fall no ",
    "sharply very slightly revenue fell significantly ",
    "but if revenue could fall despite ",
    'revenue " " " " " " " " fell fell ',
    "Net loss narrowed, but the company cut its guidance. ",
    "EPS $1.25 vs $1.31 est., below forecasts; ",
    "-4% +3% (5%) vs 2 below ",
    "1 2 3 4 5 6 7 8 9 vs 10 expected ",
  ])("does work linear in the tokens of %j repeated", (unit) => {
    for (const size of [1_000, 10_000]) {
      const text = fill(unit, size);
      expect(countEngineSteps(text)).toBeLessThanOrEqual(STEPS_PER_TOKEN * tokenize(text).length);
    }
  });
});

describe("attempts that failed and degrees on the verb", () => {
  it.each([
    ["A lawsuit that threatened Cardew Mining's licence was thrown out.", 1],
    ["The strike that had threatened to shut Marden Steel's plant was averted.", 1],
    [
      "The shareholder vote that could have forced Brimley Foods to sell its bakery unit failed.",
      1,
    ],
    ["The regulator's attempt to block Morland Media's acquisition failed.", 1],
    ["The takeover bid for Dunmore Chemicals fell through.", -1],
    ["Kessock Bank's attempt to raise capital failed.", -1],
    ["Kessock Bank failed to win the contract.", -1],
    ["Hexley Pharma's merger with a rival was blocked by regulators.", -1],
  ])("%s has sign %d", expectClearSign);

  it("reverses what a failed attempt would have done, not what it failed to win", () => {
    const result = analyzeSentiment(
      "The motion that could have blocked Ashby Retail's refinancing failed to win a majority.",
    );
    expect(result.score).toBeGreaterThan(0.15);
    expect(result.evidence.map((item) => item.phrase)).not.toContain("failed to win");
  });

  it.each([
    ["Ormesby Retail's sales shrank faster than expected.", -1],
    ["Aysgarth Bank's bad loans grew more slowly than expected.", 1],
    ["Yeadon Software grew more slowly than the market.", -1],
    ["Perranporth Bank's cost of deposits rose faster than its loan yields.", -1],
  ])("%s measures the move by the degree after its verb (sign %d)", expectClearSign);
});

describe("relative clauses between commas", () => {
  it("lets a negation reach the subject across an interrupting relative clause", () => {
    expect(
      score(
        "Generic copies of Pentire Pharma's main drug, which brings in half its sales, cannot launch before 2030.",
      ),
    ).toBeGreaterThan(0.15);
  });

  it("weighs the interrupted clause above the background aside", () => {
    expect(
      score("Rudby Chemicals, which had promised a higher dividend, cut its dividend instead."),
    ).toBeLessThan(-0.15);
  });
});

describe("broader finance vocabulary", () => {
  it.each([
    ["Chedworth Airlines is running out of cash.", -1],
    ["Canewdon Steel's auditor flagged material weaknesses.", -1],
    ["Carhampton Pharma's drug was linked to serious side effects.", -1],
    ["Corfe Telecom is haemorrhaging customers.", -1],
    ["Deddington Foods' new brand is flying off shelves.", 1],
    ["Chilham Media's film topped the box office.", 1],
    ["Broadway Pharma settled its patent dispute on favourable terms.", 1],
  ])("%s has sign %d", expectClearSign);
});

describe("negated plans, wants and descriptions", () => {
  it.each([
    ["Saltash Steel failed to find a buyer for its loss-making plant.", -1],
    ["Washfield Homes will not pay a final dividend.", -1],
    ["Selworthy Airlines ended the season without a profit.", -1],
    ["Sheviock Retail's turnaround is not working.", -1],
    ["Uffculme Airlines' planned merger will not go ahead.", -1],
    ["Witheridge Energy's new field did not produce any oil.", -1],
    ["Whimple Chemicals did not meet its cost-saving target.", -1],
    ["Tallaton Shipping's vessels were not affected by the canal closure.", 1],
    ["Ludford Retail's bid to refinance its debt fell through.", -1],
    ["Sawley Homes' cancellation rate, which had doubled last year, fell back to normal.", 1],
  ])("%s has sign %d", expectClearSign);

  it.each([
    "Atherington Software neither raised nor cut its forecast.",
    "Helford Energy has never paid a dividend.",
    "Tidworth Foods will pay a final dividend of 4p on 3 June.",
  ])("%s stays Neutral", (text) => {
    expect(analyzeSentiment(text).label).toBe("Neutral");
  });
});

describe("quantities of runway, depletion and stock", () => {
  it.each([
    ["Cranham Chemicals' inventory days lengthened again.", -1],
    ["Duntisbourne Shipping's day rates firmed.", 1],
    ["Ebrington Pharma's cash runway now extends into 2029.", 1],
    ["Edgeworth Energy's decline rates at its older fields accelerated.", -1],
    ["Dursley Retail's gross margin contracted as it cleared stock.", -1],
    ["Appleby Retail may have to close up to 40 stores.", -1],
  ])("%s has sign %d", expectClearSign);
});

describe("stalled plans, ratings around a name, denied comparatives", () => {
  it.each([
    ["We cut Bransford Retail to Sell; the recovery has stalled.", -1],
    ["Growth at Tilbury Foods has stalled.", -1],
    ["Putley Software's pipeline of deals has never been stronger.", 1],
    ["Mathon Energy's pipeline project was put on hold.", -1],
    ["Leintwardine Bank's capital fell below regulatory minimums.", -1],
    ["Holme Lacy Telecom's spectrum bid was unsuccessful.", -1],
  ])("%s has sign %d", expectClearSign);
});

describe("a verb measured by its degree", () => {
  it("reads 'lost less money than predicted' as one verdict, verb included", () => {
    const result = analyzeSentiment("Pendle Airlines lost less money than analysts had predicted.");
    expect(result.score).toBeGreaterThan(0.35);
    expect(result.evidence.map((item) => item.phrase)).toEqual([
      "lost less money than analysts had predicted",
    ]);
  });
});

describe("threats that came to nothing, quantities eliminated", () => {
  it.each([
    ["The protest that threatened to delay Somerford Energy's pipeline fizzled out.", 1],
    ["The ban that would have stopped Aldsworth Motors selling diesel cars was overturned.", 1],
    ["Willersey Retail's pension deficit has been eliminated.", 1],
    ["The investigation into Sudeley Insurance's accounts found no wrongdoing.", 1],
    ["The contract Skenfrith Defence had bid for was awarded to a rival.", -1],
  ])("%s has sign %d", expectClearSign);
});
