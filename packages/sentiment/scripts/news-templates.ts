// Headline and summary templates for the synthetic news dataset, written for this project.
// Slots in braces are filled by generate-news.ts: {name} {short} {ticker} {product} {pct}
// {bigpct} {firm} {peer} {money} {price} {region}.

export type Tone = "positive" | "negative" | "neutral";

export interface NewsTemplate {
  topics: string[];
  tone: Tone;
  headline: string;
  summary: string;
  /** Limit to these sectors; absent means any sector. */
  sectors?: string[];
}

const CLIMATE_SECTORS = [
  "energy",
  "utilities",
  "insurance",
  "agriculture",
  "real-estate",
  "materials",
];

export const TEMPLATES: NewsTemplate[] = [
  // Earnings
  {
    topics: ["earnings"],
    tone: "positive",
    headline: "{short} beats quarterly estimates as revenue rises {pct}%",
    summary:
      "{name} reported first-quarter revenue up {pct}% from a year earlier, ahead of analysts' expectations, helped by strong demand for its {product}.",
  },
  {
    topics: ["earnings"],
    tone: "positive",
    headline: "{short} profit jumps {bigpct}% on higher margins",
    summary:
      "Quarterly net income at {name} rose {bigpct}% as operating margin expanded and costs fell across its {product}.",
  },
  {
    topics: ["earnings"],
    tone: "positive",
    headline: "{short} narrows its loss and posts record sales",
    summary:
      "{name} said its net loss narrowed to {money} while sales of its {product} reached a record, beating the consensus forecast.",
  },
  {
    topics: ["earnings", "guidance"],
    tone: "positive",
    headline: "{short} delivers a beat-and-raise quarter",
    summary:
      "{name} topped profit estimates and raised its full-year outlook, citing robust orders for its {product}.",
  },
  {
    topics: ["earnings"],
    tone: "negative",
    headline: "{short} misses estimates as revenue falls {pct}%",
    summary:
      "{name} reported quarterly revenue down {pct}% from a year ago, below analysts' expectations, as demand for its {product} weakened.",
  },
  {
    topics: ["earnings"],
    tone: "negative",
    headline: "{short} swings to a loss as costs rise",
    summary:
      "{name} posted a net loss of {money} after operating costs rose {bigpct}% and margins narrowed at its {product}.",
  },
  {
    topics: ["earnings"],
    tone: "negative",
    headline: "{short} profit slumps on weak demand",
    summary:
      "Quarterly profit at {name} fell {bigpct}% and the company took an impairment charge on its {product}, disappointing investors.",
  },
  {
    topics: ["earnings"],
    tone: "neutral",
    headline: "{short} to report first-quarter results next week",
    summary:
      "{name} will publish quarterly results on Thursday; analysts will focus on its {product} and on full-year guidance.",
  },
  {
    topics: ["earnings"],
    tone: "neutral",
    headline: "{short} results in line with expectations",
    summary:
      "{name} reported quarterly earnings in line with analysts' estimates and kept its outlook for the {product} unchanged.",
  },

  // Guidance
  {
    topics: ["guidance"],
    tone: "positive",
    headline: "{short} raises full-year guidance",
    summary:
      "{name} lifted its annual revenue forecast, saying orders for its {product} were running ahead of plan.",
  },
  {
    topics: ["guidance"],
    tone: "positive",
    headline: "{short} lifts profit outlook on cost savings",
    summary:
      "{name} raised its profit outlook after cutting operating costs by {pct}% and reducing debt.",
  },
  {
    topics: ["guidance"],
    tone: "negative",
    headline: "{short} cuts full-year guidance",
    summary:
      "{name} lowered its annual forecast, warning that demand for its {product} remains weak and costs keep rising.",
  },
  {
    topics: ["guidance"],
    tone: "negative",
    headline: "{short} no longer expects growth this year",
    summary:
      "{name} withdrew its guidance for the year and said sales of its {product} did not recover in the second quarter.",
  },
  {
    topics: ["guidance"],
    tone: "neutral",
    headline: "{short} reaffirms annual outlook",
    summary:
      "{name} repeated its full-year targets at an investor day and gave more detail on its {product}.",
  },

  // Analyst ratings
  {
    topics: ["analyst-rating"],
    tone: "positive",
    headline: "{firm} upgrades {short} to buy",
    summary:
      "{firm} upgraded {name} to buy and raised its price target to {price}, citing improving margins at its {product}.",
  },
  {
    topics: ["analyst-rating"],
    tone: "positive",
    headline: "{short} named a top pick at {firm}",
    summary:
      "{firm} added {name} to its top picks list, saying the market underestimates growth in its {product}.",
  },
  {
    topics: ["analyst-rating"],
    tone: "negative",
    headline: "{firm} downgrades {short} to underweight",
    summary:
      "{firm} downgraded {name} and cut its price target to {price}, pointing to slowing demand and rising costs.",
  },
  {
    topics: ["analyst-rating"],
    tone: "negative",
    headline: "{short} cut to sell at {firm} on margin concerns",
    summary:
      "{firm} said margins at {name} are likely to deteriorate further as pricing pressure builds in its {product}.",
  },
  {
    topics: ["analyst-rating"],
    tone: "neutral",
    headline: "{firm} initiates coverage of {short} with a hold rating",
    summary:
      "{firm} started covering {name} with a hold rating and a price target of {price}, close to the current share price.",
  },

  // Mergers and acquisitions
  {
    topics: ["m&a"],
    tone: "positive",
    headline: "{short} agrees accretive deal for {peer} assets",
    summary:
      "{name} will buy a business unit from {peer} for {money}, a deal it expects to be accretive to earnings in the first year with strong synergies.",
  },
  {
    topics: ["m&a"],
    tone: "positive",
    headline: "{short} shares jump on takeover offer",
    summary:
      "Shares of {name} rose {bigpct}% after a private equity group made a takeover offer at a premium to the last close.",
  },
  {
    topics: ["m&a"],
    tone: "negative",
    headline: "{short} deal with {peer} collapses",
    summary:
      "{name} walked away from its planned purchase of {peer} assets after regulators raised concerns, and shares fell {pct}%.",
  },
  {
    topics: ["m&a"],
    tone: "neutral",
    headline: "{short} confirms talks with {peer}",
    summary:
      "{name} said it is in early talks with {peer} about a possible combination and that no decision has been made.",
  },

  // Products and operations
  {
    topics: ["product"],
    tone: "positive",
    headline: "{short} wins major contract for its {product}",
    summary:
      "{name} secured a {money} multi-year contract, its largest yet, lifting its order backlog to a record.",
  },
  {
    topics: ["product"],
    tone: "positive",
    headline: "{short} {product} launch sees strong early demand",
    summary:
      "Early orders for the new {product} from {name} exceeded internal expectations and production is being expanded.",
  },
  {
    topics: ["product"],
    tone: "negative",
    headline: "{short} delays {product} rollout",
    summary:
      "{name} pushed back the rollout of its {product} by two quarters, citing supply shortages and higher costs.",
  },
  {
    topics: ["product"],
    tone: "negative",
    headline: "{short} halts part of its {product} after outage",
    summary:
      "An outage forced {name} to halt operations at part of its {product}; the company said output will fall {pct}% this quarter.",
  },
  {
    topics: ["product"],
    tone: "neutral",
    headline: "{short} opens new office in {region}",
    summary:
      "{name} opened a regional office in {region} to support its {product}; about 40 staff will work there.",
  },

  // Legal and regulatory
  {
    topics: ["legal"],
    tone: "negative",
    headline: "{short} faces regulator probe",
    summary:
      "Regulators opened an investigation into sales practices at {name}'s {product}; the company said it is cooperating.",
  },
  {
    topics: ["legal"],
    tone: "negative",
    headline: "{short} fined {money}",
    summary:
      "{name} was fined {money} over reporting failures and set aside provisions for further penalties.",
  },
  {
    topics: ["legal"],
    tone: "positive",
    headline: "Court dismisses lawsuit against {short}",
    summary:
      "A court dismissed the lawsuit against {name}, removing a risk that had weighed on the shares for a year.",
  },
  {
    topics: ["legal"],
    tone: "neutral",
    headline: "{short} files annual report",
    summary:
      "{name} filed its annual report with the regulator; the filing lists its {product} as its largest segment.",
  },

  // Dividends and capital returns
  {
    topics: ["dividend"],
    tone: "positive",
    headline: "{short} raises dividend and announces buyback",
    summary:
      "{name} raised its quarterly dividend by {pct}% and announced a {money} share buyback, citing strong cash flow.",
  },
  {
    topics: ["dividend"],
    tone: "negative",
    headline: "{short} cuts dividend to preserve cash",
    summary: "{name} cut its quarterly dividend by half as free cash flow fell and net debt rose.",
  },
  {
    topics: ["dividend"],
    tone: "neutral",
    headline: "{short} declares regular quarterly dividend",
    summary:
      "The board of {name} declared its regular quarterly dividend, payable next month to shareholders of record.",
  },

  // Management
  {
    topics: ["management"],
    tone: "negative",
    headline: "{short} finance chief resigns",
    summary:
      "The chief financial officer of {name} resigned with immediate effect, adding to uncertainty after a difficult quarter.",
  },
  {
    topics: ["management"],
    tone: "neutral",
    headline: "{short} appoints new board member",
    summary: "{name} appointed a former {peer} executive to its board, effective next month.",
  },

  // Macro
  {
    topics: ["macro"],
    tone: "positive",
    headline: "Easing inflation lifts {short} shares",
    summary:
      "Shares of {name} rose {pct}% as inflation eased and input costs fell, which should improve margins at its {product}.",
  },
  {
    topics: ["macro"],
    tone: "negative",
    headline: "Recession fears weigh on {short}",
    summary:
      "Shares of {name} slid {pct}% as weak economic data raised fears of a slowdown in demand for its {product}.",
  },
  {
    topics: ["macro"],
    tone: "neutral",
    headline: "{short} shares little changed ahead of rate decision",
    summary:
      "Shares of {name} were unchanged as investors waited for the central bank's interest rate decision.",
  },

  // Climate risk
  {
    topics: ["climate-risk"],
    tone: "negative",
    sectors: ["insurance"],
    headline: "{short} flood losses mount after storms in {region}",
    summary:
      "{name} raised its estimate of flood losses from storms in {region} to {money} and said claims costs will weigh on its combined ratio.",
  },
  {
    topics: ["climate-risk"],
    tone: "positive",
    sectors: ["insurance"],
    headline: "{short} benefits from higher reinsurance pricing",
    summary:
      "{name} said renewal rates for its {product} rose {bigpct}% as reinsurers priced in climate risk, boosting premium income.",
  },
  {
    topics: ["climate-risk"],
    tone: "negative",
    sectors: ["agriculture"],
    headline: "Drought cuts {short} harvest forecast",
    summary:
      "{name} lowered its harvest forecast by {bigpct}% as drought in {region} reduced crop yields and raised feed costs.",
  },
  {
    topics: ["climate-risk"],
    tone: "positive",
    sectors: ["agriculture"],
    headline: "Drought-tolerant seed orders surge at {short}",
    summary:
      "Orders for {name}'s drought-tolerant products jumped {bigpct}% as growers in {region} adapt to hotter summers.",
  },
  {
    topics: ["climate-risk"],
    tone: "negative",
    sectors: ["energy"],
    headline: "Carbon price rise hits {short} refining margins",
    summary:
      "A higher carbon price in {region} will raise compliance costs at {name} by {money} a year and could leave some assets stranded.",
  },
  {
    topics: ["climate-risk"],
    tone: "negative",
    sectors: ["energy"],
    headline: "{short} takes write-down on stranded assets",
    summary:
      "{name} booked a {money} impairment on older fields that it no longer expects to develop under tighter climate rules.",
  },
  {
    topics: ["climate-risk"],
    tone: "positive",
    sectors: ["energy"],
    headline: "{short} transition plan wins investor backing",
    summary:
      "Investors welcomed {name}'s transition plan, which cuts emissions {bigpct}% by 2030 while growing its {product}.",
  },
  {
    topics: ["climate-risk"],
    tone: "negative",
    sectors: ["utilities"],
    headline: "{short} faces wildfire liability concerns",
    summary:
      "Shares of {name} fell {pct}% on concerns that wildfire damage in {region} could lead to lawsuits and higher insurance costs.",
  },
  {
    topics: ["climate-risk"],
    tone: "negative",
    sectors: ["utilities"],
    headline: "Drought restrictions cut {short} water volumes",
    summary:
      "Water restrictions in {region} reduced volumes at {name} by {pct}% and pushed up pumping costs.",
  },
  {
    topics: ["climate-risk"],
    tone: "positive",
    sectors: ["utilities"],
    headline: "Regulator approves {short} resilience spending",
    summary:
      "The regulator approved {name}'s plan to recover the cost of its {product} through rates, reducing climate risk to earnings.",
  },
  {
    topics: ["climate-risk"],
    tone: "negative",
    sectors: ["real-estate"],
    headline: "Coastal flood risk weighs on {short} valuations",
    summary:
      "Independent valuers cut the value of {name}'s {product} by {pct}% after new flood maps for {region}, and insurance costs rose.",
  },
  {
    topics: ["climate-risk"],
    tone: "negative",
    sectors: ["materials"],
    headline: "Flooding halts {short} mine",
    summary:
      "Heavy flooding in {region} forced {name} to suspend work at one of its {product}; output will be lower this quarter.",
  },
  {
    topics: ["climate-risk"],
    tone: "neutral",
    sectors: CLIMATE_SECTORS,
    headline: "{short} publishes climate risk report",
    summary:
      "{name} published its annual climate risk disclosure, describing physical and transition risks to its {product} under three warming scenarios.",
  },
  {
    topics: ["climate-risk"],
    tone: "neutral",
    sectors: CLIMATE_SECTORS,
    headline: "{short} joins industry carbon disclosure initiative",
    summary:
      "{name} joined an industry group that sets common rules for reporting emissions and climate exposure.",
  },
];

export const ANALYST_FIRMS = [
  "Corbel & Vane Securities",
  "Lindqvist Partners",
  "Ashcombe Research",
  "Pellington Capital Markets",
  "Northreach Equity Research",
];

export const NEWS_SOURCES = [
  "The Ledgerline",
  "Meridian Markets Daily",
  "Quillon Business Review",
  "Tidewater Capital Report",
  "Copperline Wire",
  "Ashgrove Newswire",
];

export const CLIMATE_SOURCE = "Climate Ledger";

export const REGIONS = [
  "the Valdren basin",
  "the southern coast",
  "the Corvane plains",
  "the eastern provinces",
  "the Marisol delta",
  "the northern highlands",
];
