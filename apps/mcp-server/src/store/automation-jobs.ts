// Automation jobs a person scheduled through a tool, keyed by the token's `sub`.
import { randomUUID } from "node:crypto";
import { asc, count, eq } from "drizzle-orm";
import type { Executor } from "../db/database";
import { type AutomationKind, automationJobs, type DigestCadence } from "../db/schema";

export type AutomationJob = typeof automationJobs.$inferSelect;

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

export function scheduleDigestJob(
  executor: Executor,
  entry: NewDigestJob,
  now: Date,
): ScheduleDigestResult {
  return executor.transaction((tx) => {
    const [size] = tx
      .select({ jobs: count() })
      .from(automationJobs)
      .where(eq(automationJobs.subject, entry.subject))
      .all();
    if ((size?.jobs ?? 0) >= MAX_AUTOMATION_JOBS) return { status: "full" };
    const kind: AutomationKind = "digest";
    const job: AutomationJob = { id: randomUUID(), kind, ...entry, createdAt: now };
    tx.insert(automationJobs).values(job).run();
    return { status: "scheduled", job };
  });
}

export function listAutomationJobs(executor: Executor, subject: string): AutomationJob[] {
  return executor
    .select()
    .from(automationJobs)
    .where(eq(automationJobs.subject, subject))
    .orderBy(asc(automationJobs.createdAt))
    .all();
}
