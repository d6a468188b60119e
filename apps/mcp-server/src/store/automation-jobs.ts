// Automation jobs a person scheduled through a tool, keyed by the token's `sub`.
import { randomUUID } from "node:crypto";
import { asc, count, eq } from "drizzle-orm";
import type { Executor, McpStore, Tables } from "../db/database";
import type { AutomationKind, DigestCadence } from "../db/schema";
import { lockSubject } from "./subject-lock";

export type AutomationJob = Tables["automationJobs"]["$inferSelect"];

/** Bounds what one token can make this server store. */
export const MAX_AUTOMATION_JOBS = 20;

export interface NewDigestJob {
  subject: string;
  clientId: string;
  cadence: DigestCadence;
  hourUtc: number;
  tickers: string[];
}

export type ScheduleDigestResult = { status: "scheduled"; job: AutomationJob } | { status: "full" };

/** The count and the insert hold the person's lock, like the watchlist's (see subject-lock.ts). */
export function scheduleDigestJob(
  store: McpStore,
  entry: NewDigestJob,
  now: Date,
): Promise<ScheduleDigestResult> {
  return store.transaction(async (x) => {
    const { db, tables } = x;
    const { automationJobs } = tables;
    await lockSubject(x, "automation-jobs", entry.subject);
    const [size] = await db
      .select({ jobs: count() })
      .from(automationJobs)
      .where(eq(automationJobs.subject, entry.subject));
    if ((size?.jobs ?? 0) >= MAX_AUTOMATION_JOBS) return { status: "full" };
    const kind: AutomationKind = "digest";
    const job: AutomationJob = { id: randomUUID(), kind, ...entry, createdAt: now };
    await db.insert(automationJobs).values(job);
    return { status: "scheduled", job };
  });
}

export function listAutomationJobs(
  { db, tables: { automationJobs } }: Executor,
  subject: string,
): Promise<AutomationJob[]> {
  return db
    .select()
    .from(automationJobs)
    .where(eq(automationJobs.subject, subject))
    .orderBy(asc(automationJobs.createdAt));
}
