// The official MCP conformance suite (@modelcontextprotocol/conformance) as a child process. It needs
// Node 22, which test/conformance installs beside it, outside the workspaces (test/conformance/README.md).
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const CONFORMANCE_DIRECTORY = fileURLToPath(new URL("../../conformance/", import.meta.url));
/** The npm package `node@22`'s binary: the system Node 20 lacks `fs.globSync`, which the suite imports. */
export const NODE_22 = join(CONFORMANCE_DIRECTORY, "node_modules", "node", "bin", "node");
export const CONFORMANCE_CLI = join(
  CONFORMANCE_DIRECTORY,
  "node_modules",
  "@modelcontextprotocol",
  "conformance",
  "dist",
  "index.js",
);

/** One entry of a scenario's checks.json, as the suite writes it. */
export interface ConformanceCheck {
  id: string;
  name: string;
  description: string;
  status: "SUCCESS" | "FAILURE" | "WARNING" | "SKIPPED" | "INFO";
  errorMessage?: string;
  details?: Record<string, unknown>;
}

export interface ScenarioResult {
  /** The result directory's path under the output directory, without its timestamp suffix:
   * `authorization-server-<scenario>` for the `authorization` command, `<scenario>` for `client`. */
  scenario: string;
  checks: ConformanceCheck[];
}

export interface ConformanceRun {
  /** Everything the suite printed on stdout so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout, as soon as it is printed. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code once the suite exits (null if it was killed). */
  exited: Promise<number | null>;
  kill(): void;
}

/**
 * Starts `conformance <args…>` with Node 22. It is killed after `timeoutMs` (its own code-grant
 * scenario would otherwise wait five minutes for a callback) and when this process exits.
 */
export function runConformance(
  args: string[],
  {
    timeoutMs = 30_000,
    environment = {},
  }: { timeoutMs?: number; environment?: NodeJS.ProcessEnv } = {},
): ConformanceRun {
  if (!existsSync(NODE_22) || !existsSync(CONFORMANCE_CLI)) {
    throw new Error(
      "the conformance suite is not installed: the root postinstall runs `npm ci --prefix test/conformance`",
    );
  }
  // Only PATH and HOME are inherited: commands the suite runs for `client` find the system Node 20
  // on PATH, as a person's shell would, and nothing of the test runner's environment leaks in.
  const child: ChildProcess = spawn(NODE_22, [CONFORMANCE_CLI, ...args], {
    cwd: CONFORMANCE_DIRECTORY,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...environment },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  let stdout = "";
  let stderr = "";
  const listeners = new Set<() => void>();
  child.stdout?.on("data", (chunk) => {
    stdout += chunk;
    for (const listener of listeners) listener();
  });
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      clearTimeout(timer);
      process.off("exit", killOnExit);
      for (const listener of listeners) listener();
      resolve(code);
    }),
  );
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    kill: () => child.kill("SIGKILL"),
    waitForOutput: (pattern, waitMs = 15_000) =>
      new Promise((resolve, reject) => {
        const look = () => {
          const match = stdout.match(pattern);
          if (match) {
            done();
            resolve(match);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(new Error(`the suite exited before printing ${pattern}:\n${stdout}\n${stderr}`));
          }
        };
        const giveUp = setTimeout(() => {
          done();
          reject(new Error(`the suite did not print ${pattern} within ${waitMs} ms:\n${stdout}`));
        }, waitMs);
        const done = () => {
          clearTimeout(giveUp);
          listeners.delete(look);
        };
        listeners.add(look);
        look();
      }),
  };
}

/** The suite's `-o` directory holds one `<scenario>-<ISO timestamp>/checks.json` per scenario run. */
export function readScenarioResults(outputDirectory: string): ScenarioResult[] {
  return readdirSync(outputDirectory, { recursive: true, encoding: "utf8" })
    .filter((path) => path === "checks.json" || path.endsWith("/checks.json"))
    .map((path) => ({
      scenario: relative(outputDirectory, dirname(join(outputDirectory, path))).replace(
        /-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/,
        "",
      ),
      checks: JSON.parse(readFileSync(join(outputDirectory, path), "utf8")) as ConformanceCheck[],
    }))
    .sort((a, b) => a.scenario.localeCompare(b.scenario));
}
