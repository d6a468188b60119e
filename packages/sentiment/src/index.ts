// @repo/sentiment: a finance sentiment engine and an embedded synthetic news dataset (pure, no I/O).

export type {
  ClimateRiskSentiment,
  DailySentiment,
  DateWindow,
  ScoredArticle,
  TickerSentiment,
} from "./analytics";
export {
  climateRiskSentiment,
  defaultWindow,
  sentimentHistory,
  tickerSentiment,
} from "./analytics";
export type { Company, NewsArticle, NewsDataset, NewsQuery } from "./dataset";
export { findCompany, listNews, NEWS_DATASET } from "./dataset";
export type { SentimentEvidence, SentimentResult } from "./engine";
export { analyzeSentiment } from "./engine";
export type { SentimentLabel } from "./labels";
export { ENGINE_VERSION, labelForScore, SENTIMENT_LABELS } from "./labels";
