// list_news (scope mcp:data:news:read): the articles the sentiment tools read, newest first.
import { listNews, type NewsArticle } from "@repo/sentiment";
import { z } from "zod";
import {
  DateWindowInput,
  knownCompany,
  ProvenanceSchema,
  provenance,
  resolveWindow,
  TickerInput,
  WindowSchema,
} from "./schemas";
import { defineTool } from "./tool";

export const MAX_NEWS_ARTICLES = 50;
const DEFAULT_NEWS_ARTICLES = 20;
const DEFAULT_WINDOW_DAYS = 30;

const ArticleSchema = z.object({
  id: z.string(),
  ticker: z.string(),
  publishedAt: z.string(),
  source: z.string(),
  headline: z.string(),
  summary: z.string(),
  topics: z.array(z.string()),
});

function articleOutput(article: NewsArticle): z.infer<typeof ArticleSchema> {
  const { id, ticker, publishedAt, source, headline, summary, topics } = article;
  return { id, ticker, publishedAt, source, headline, summary, topics: [...topics] };
}

export const listNewsTool = defineTool({
  name: "list_news",
  title: "List news",
  description: `Lists news articles from the dataset, newest first, optionally for one ticker or topic, over a date window (default: the ${DEFAULT_WINDOW_DAYS} days up to the dataset's as-of date).`,
  inputSchema: z.object({
    ticker: TickerInput.optional(),
    topic: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .optional()
      .describe("Only articles tagged with this topic, e.g. earnings or climate-risk"),
    ...DateWindowInput,
    limit: z
      .number()
      .int()
      .min(1)
      .max(MAX_NEWS_ARTICLES)
      .default(DEFAULT_NEWS_ARTICLES)
      .describe("Most articles to return"),
  }),
  outputSchema: z.object({
    window: WindowSchema,
    ticker: z.string().nullable(),
    topic: z.string().nullable(),
    articles: z.array(ArticleSchema),
    provenance: ProvenanceSchema,
  }),
  annotations: {
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  run: (input) => {
    const ticker = input.ticker === undefined ? undefined : knownCompany(input.ticker).ticker;
    const window = resolveWindow(input, DEFAULT_WINDOW_DAYS);
    const articles = listNews({ ticker, topic: input.topic, ...window, limit: input.limit }).map(
      articleOutput,
    );
    const filters = [ticker, input.topic].filter((filter) => filter !== undefined).join(", ");
    return {
      structuredContent: {
        window,
        ticker: ticker ?? null,
        topic: input.topic ?? null,
        articles,
        provenance: provenance(),
      },
      summary: `${articles.length} article(s)${filters ? ` for ${filters}` : ""} between ${window.from} and ${window.to}.`,
    };
  },
});
