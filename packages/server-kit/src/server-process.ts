// A server started as its own process, exactly as `npm start` starts it, for tests that check the
// real entry point (start-up, configuration refusals, signals) and for benchmarks.
import { type ChildProcess, spawn } from "node:child_process";

export interface ServerProcess {
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr together. */
  output: () => string;
  /** Resolves with the exit code once it has exited. */
  exited: Promise<number | null>;
}

export interface ServerProcessOptions {
  /**
   * Run on this CPU only (Linux `taskset`, which execs the command, so the pid stays the server's):
   * a benchmark keeps the server and its load generator off each other's core.
   */
  cpu?: number;
}

/**
 * `node --import tsx src/main.ts` (or another `entry`) in `appRoot`. Only PATH is inherited: the
 * process sees exactly the environment the caller gives it, as a deployment would, not the test
 * runner's.
 */
export function startServerProcess(
  appRoot: string,
  environment: Record<string, string>,
  entry = "src/main.ts",
  options: ServerProcessOptions = {},
): ServerProcess {
  const node = [process.execPath, "--import", "tsx", entry];
  const [command, ...args] =
    options.cpu === undefined ? node : ["taskset", "-c", String(options.cpu), ...node];
  const child = spawn(command as string, args, {
    cwd: appRoot,
    env: { PATH: process.env.PATH ?? "", ...environment },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  return { child, output: () => output, exited };
}

/** Polls `condition` every 50 ms; rejects naming `what` after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
