// The fictional companies of the synthetic news dataset and the sentiment story each one tells.

import type { Company } from "../src/dataset";

/** How news flow about a company leans over the window: a constant bias or a drift from start to end. */
export interface SentimentStory {
  start: number;
  end: number;
  /** Plain words for the README and for tests that check the tools give the intended answers. */
  summary: string;
}

export interface FictionalCompany extends Company {
  shortName: string;
  story: SentimentStory;
  /** Products or business lines, used by product and earnings templates. */
  products: string[];
}

// Tickers were picked from letter combinations that no large listed company uses, to the best of
// our knowledge; names are invented. `ticker-check.test.ts` guards against well-known real ones.
export const FICTIONAL_COMPANIES: FictionalCompany[] = [
  {
    ticker: "HLVR",
    name: "Halvorsen Petroleum ASA",
    shortName: "Halvorsen",
    sector: "energy",
    story: {
      start: -0.4,
      end: -0.6,
      summary: "bearish: carbon pricing and stranded-asset write-downs",
    },
    products: ["North Sea output", "refining unit", "offshore fields"],
  },
  {
    ticker: "SNMR",
    name: "Sunmere Renewables plc",
    shortName: "Sunmere",
    sector: "energy",
    story: { start: 0.4, end: 0.7, summary: "bullish: solar and storage orders keep rising" },
    products: ["solar farms", "battery storage arrays", "wind repowering projects"],
  },
  {
    ticker: "KSTU",
    name: "Kestrel Valley Utilities Inc.",
    shortName: "Kestrel Valley",
    sector: "utilities",
    story: {
      start: 0.3,
      end: -0.4,
      summary: "fading: a rate case win, then wildfire liability fears",
    },
    products: ["grid hardening program", "retail electricity", "gas distribution"],
  },
  {
    ticker: "MRGW",
    name: "Marrowgate Water Company",
    shortName: "Marrowgate",
    sector: "utilities",
    story: { start: -0.3, end: -0.5, summary: "bearish: drought restrictions squeeze volumes" },
    products: ["reservoir network", "desalination plant", "water recycling works"],
  },
  {
    ticker: "ZNDH",
    name: "Zenderhall Mutual Insurance Group",
    shortName: "Zenderhall",
    sector: "insurance",
    story: { start: -0.5, end: -0.6, summary: "bearish: flood losses and reserve charges" },
    products: ["home insurance book", "commercial property lines", "motor policies"],
  },
  {
    ticker: "PLVR",
    name: "Pelvora Re Holdings Ltd.",
    shortName: "Pelvora Re",
    sector: "insurance",
    story: {
      start: 0.5,
      end: 0.5,
      summary: "mixed: reinsurance prices harden, but storm losses keep coming",
    },
    products: [
      "property reinsurance treaties",
      "specialty reinsurance",
      "insurance-linked securities",
    ],
  },
  {
    ticker: "GRQF",
    name: "Granquist Farms Cooperative",
    shortName: "Granquist",
    sector: "agriculture",
    story: { start: 0.2, end: -0.6, summary: "fading: drought hits the harvest outlook" },
    products: ["wheat harvest", "dairy operations", "grain storage business"],
  },
  {
    ticker: "TLHV",
    name: "Tillhaven Seed Co.",
    shortName: "Tillhaven",
    sector: "agriculture",
    story: { start: 0.4, end: 0.6, summary: "bullish: demand for drought-tolerant seed" },
    products: ["drought-tolerant maize seed", "soil sensor kits", "crop protection line"],
  },
  {
    ticker: "QTXA",
    name: "Quartexa Semiconductor Corp.",
    shortName: "Quartexa",
    sector: "technology",
    story: { start: 0.5, end: 0.6, summary: "bullish: data-centre chip demand" },
    products: ["inference accelerators", "networking chips", "power-management chips"],
  },
  {
    ticker: "NMBW",
    name: "Nimbleweave Software Inc.",
    shortName: "Nimbleweave",
    sector: "technology",
    story: {
      start: -0.3,
      end: -0.6,
      summary: "bearish: churn, a guidance cut and an accounting probe",
    },
    products: ["workflow suite", "analytics cloud", "developer platform"],
  },
  {
    ticker: "VXLN",
    name: "Vexlon Networks S.A.",
    shortName: "Vexlon",
    sector: "telecommunications",
    story: { start: 0, end: 0, summary: "mixed: subscriber gains against heavy network spending" },
    products: ["fibre network", "5G service", "enterprise connectivity unit"],
  },
  {
    ticker: "OBXT",
    name: "Orbixa Therapeutics Inc.",
    shortName: "Orbixa",
    sector: "healthcare",
    story: { start: -0.5, end: 0.6, summary: "turnaround: a trial setback, then approval" },
    products: ["lead asthma drug", "gene therapy candidate", "diagnostics unit"],
  },
  {
    ticker: "HMZL",
    name: "Hammerzell Industrial AG",
    shortName: "Hammerzell",
    sector: "industrials",
    story: { start: 0.4, end: 0.5, summary: "bullish: record backlog from grid and rail orders" },
    products: ["transformer plants", "rail signalling systems", "heavy turbines"],
  },
  {
    ticker: "FTQL",
    name: "Fretquill Logistics Corp.",
    shortName: "Fretquill",
    sector: "transportation",
    story: { start: -0.4, end: -0.4, summary: "bearish: freight volumes fall, fuel costs rise" },
    products: ["trucking network", "freight brokerage", "warehousing arm"],
  },
  {
    ticker: "CLVZ",
    name: "Cloverzane Foods Inc.",
    shortName: "Cloverzane",
    sector: "consumer-staples",
    story: { start: 0.1, end: 0.1, summary: "steady: mostly neutral news flow" },
    products: ["breakfast cereals", "frozen meals", "snack brands"],
  },
  {
    ticker: "DFTV",
    name: "Driftvane Motors Corp.",
    shortName: "Driftvane",
    sector: "automotive",
    story: { start: -0.3, end: -0.7, summary: "bearish: recalls and falling deliveries" },
    products: ["electric hatchback", "pickup line", "battery plant"],
  },
  {
    ticker: "LMQR",
    name: "Lumenquist Retail Group",
    shortName: "Lumenquist",
    sector: "consumer-discretionary",
    story: {
      start: -0.6,
      end: 0.5,
      summary: "turnaround: store closures give way to recovering sales",
    },
    products: ["department stores", "online marketplace", "private-label apparel"],
  },
  {
    ticker: "WSHB",
    name: "Westerholt Bancorp",
    shortName: "Westerholt",
    sector: "financials",
    story: { start: 0.4, end: 0.4, summary: "bullish: loan growth and lower credit losses" },
    products: ["commercial lending", "mortgage book", "wealth management arm"],
  },
  {
    ticker: "PXMT",
    name: "Pyxmont Materials Ltd.",
    shortName: "Pyxmont",
    sector: "materials",
    story: { start: 0.3, end: -0.3, summary: "mixed: copper prices help, then a mine flood hurts" },
    products: ["copper mines", "lithium project", "smelting operations"],
  },
  {
    ticker: "RVQP",
    name: "Ravenquay Properties REIT",
    shortName: "Ravenquay",
    sector: "real-estate",
    story: {
      start: -0.3,
      end: -0.5,
      summary: "bearish: coastal flood risk and rising insurance costs",
    },
    products: ["coastal office portfolio", "logistics parks", "residential towers"],
  },
];
