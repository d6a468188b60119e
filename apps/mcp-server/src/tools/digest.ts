// schedule_digest (scope mcp:operations:automation:digest): a recurring sentiment digest for a person.
import { z } from "zod";
import { MAX_AUTOMATION_JOBS, scheduleDigestJob } from "../store/automation-jobs";
import { listWatchlist } from "../store/watchlists";
import { knownCompany, ProvenanceSchema, provenance, TickerInput } from "./schemas";
import { defineTool, ToolError } from "./tool";

const MAX_DIGEST_TICKERS = 20;

export const scheduleDigestTool = defineTool({
  name: "schedule_digest",
  title: "Schedule a sentiment digest",
  description: `Schedules a recurring sentiment digest for the signed-in person, daily or weekly (Mondays) at an hour in UTC, for the given tickers or, without any, for their watchlist at the time of scheduling. This server stores the job (at most ${MAX_AUTOMATION_JOBS} per person); delivering digests is a scheduler's job.`,
  inputSchema: z.object({
    cadence: z.enum(["daily", "weekly"]).describe("How often the digest runs"),
    hourUtc: z.number().int().min(0).max(23).default(7).describe("Hour of day (UTC) it runs"),
    tickers: z
      .array(TickerInput)
      .min(1)
      .max(MAX_DIGEST_TICKERS)
      .optional()
      .describe("Tickers to cover; defaults to the person's watchlist"),
  }),
  outputSchema: z.object({
    job: z.object({
      id: z.string(),
      kind: z.literal("digest"),
      cadence: z.enum(["daily", "weekly"]),
      hourUtc: z.number().int().min(0).max(23),
      tickers: z.array(z.string()),
      clientId: z.string().describe("The app that scheduled it"),
      createdAt: z.iso.datetime(),
    }),
    provenance: ProvenanceSchema,
  }),
  annotations: {
    readOnlyHint: false,
    destructiveHint: false,
    // Each call schedules one more job.
    idempotentHint: false,
    openWorldHint: false,
  },
  run: async (input, { caller, store, now }) => {
    const tickers =
      input.tickers === undefined
        ? (await store.run((x) => listWatchlist(x, caller.subject))).map((item) => item.ticker)
        : [...new Set(input.tickers.map((ticker) => knownCompany(ticker).ticker))];
    if (tickers.length === 0) {
      throw new ToolError(
        "The watchlist is empty: name the tickers to cover, or add some with watchlist_add first.",
      );
    }
    const result = await scheduleDigestJob(
      store,
      {
        subject: caller.subject,
        clientId: caller.clientId,
        cadence: input.cadence,
        hourUtc: input.hourUtc,
        tickers: tickers.slice(0, MAX_DIGEST_TICKERS),
      },
      now,
    );
    if (result.status === "full") {
      throw new ToolError(
        `There are already ${MAX_AUTOMATION_JOBS} scheduled jobs for this person.`,
      );
    }
    const { job } = result;
    return {
      structuredContent: {
        job: {
          id: job.id,
          kind: job.kind,
          cadence: job.cadence,
          hourUtc: job.hourUtc,
          tickers: job.tickers,
          clientId: job.clientId,
          createdAt: job.createdAt.toISOString(),
        },
        provenance: provenance(),
      },
      summary: `Scheduled a ${job.cadence} digest at ${String(job.hourUtc).padStart(2, "0")}:00 UTC for ${job.tickers.join(", ")}.`,
    };
  },
});
