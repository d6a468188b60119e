// The demo client as a real child process (`tsx src/main.ts …`), with its printed trace read as it runs.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { BrowserContext } from "playwright-core";
import { DEMO_USER } from "./stack";

const DEMO_CLIENT_ROOT = fileURLToPath(new URL("../../../apps/demo-client/", import.meta.url));

export interface DemoClientRun {
  /** stdout so far. */
  output(): string;
  stderr(): string;
  /** Resolves with the `count`-th match of `pattern` (a global regex) in stdout, once printed. */
  waitFor(pattern: RegExp, count?: number, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code and everything printed. */
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
  kill(): void;
}

/** Only PATH and HOME are inherited: the client sees exactly the settings the test gives it. */
export function runDemoClient(
  args: string[],
  environment: Record<string, string> = {},
): DemoClientRun {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", ...args], {
    cwd: DEMO_CLIENT_ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      NO_COLOR: "1",
      ...environment,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  let stdout = "";
  let stderr = "";
  const listeners = new Set<() => void>();
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
    for (const listener of listeners) listener();
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once("close", (code) => {
      process.off("exit", killOnExit);
      for (const listener of listeners) listener();
      resolve({ code, stdout, stderr });
    }),
  );
  return {
    output: () => stdout,
    stderr: () => stderr,
    exited,
    kill: () => child.kill("SIGKILL"),
    waitFor: (pattern, count = 1, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const flags = pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`;
          const match = [...stdout.matchAll(new RegExp(pattern.source, flags))][count - 1];
          if (match) {
            done();
            resolve(match);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(
              new Error(`the demo client exited before printing ${pattern}:\n${stdout}\n${stderr}`),
            );
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(
            new Error(
              `the demo client did not print ${pattern} within ${timeoutMs} ms:\n${stdout}\n${stderr}`,
            ),
          );
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      }),
  };
}

/** The authorization URL the client prints on a line of its own. */
export const AUTHORIZATION_URL = /^\s+(http:\/\/\S+\/authorize\?\S+)$/m;

/**
 * The person at the browser: opens the next authorization URL the client prints (after `seen` of
 * them), signs in as the demo user when the browser has no session yet, then presses Allow (or
 * Deny). Resolves with the text of the page the client's callback showed.
 */
export async function giveConsent(
  run: DemoClientRun,
  context: BrowserContext,
  { seen = 0, decision = "Allow" }: { seen?: number; decision?: "Allow" | "Deny" } = {},
): Promise<string> {
  const [, url = ""] = await run.waitFor(AUTHORIZATION_URL, seen + 1);
  const page = await context.newPage();
  await page.goto(url);
  const button = page.getByRole("button", { name: decision });
  const email = page.getByLabel("Email");
  await button.or(email).first().waitFor();
  if (await email.isVisible()) {
    await email.fill(DEMO_USER.email);
    await page.getByLabel("Password").fill(DEMO_USER.password);
    await page.getByRole("button", { name: "Sign in" }).click();
  }
  await button.click();
  await page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/callback\?/);
  const text = (await page.textContent("body")) ?? "";
  await page.close();
  return text;
}

/** The exchanges of a printed trace in order, as "METHOD path → status" lines. */
export function exchanges(stdout: string): string[] {
  const lines: string[] = [];
  let request = "";
  for (const line of stdout.split("\n")) {
    const sent = line.match(/^\s+→ (\w+) (\S+)/);
    if (sent) request = `${sent[1]} ${new URL(sent[2] ?? "").pathname}`;
    const answered = line.match(/^\s+← (\d{3})/);
    if (answered) lines.push(`${request} → ${answered[1]}`);
  }
  return lines;
}
