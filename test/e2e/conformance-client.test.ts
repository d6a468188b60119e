// The official MCP conformance suite's client scenarios against the demo client: the suite starts its
// own mock MCP and authorization servers per scenario, runs the demo client's conformance entry point
// (apps/demo-client/src/conformance.ts) against them, and checks every request the client makes.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { readScenarioResults, runConformance, type ScenarioResult } from "./support/conformance";

const CONFORMANCE_ENTRY = fileURLToPath(
  new URL("../../apps/demo-client/src/conformance.ts", import.meta.url),
);
// The suite appends the MCP server's URL and runs this through a shell, with the system Node on PATH.
const CLIENT_COMMAND = `node --import tsx ${CONFORMANCE_ENTRY}`;

/** The `auth` suite of 0.2.0-alpha.12 at the latest dated revision, 2025-11-25. */
const AUTH_SUITE = [
  "auth/basic-cimd",
  "auth/metadata-default",
  "auth/metadata-var1",
  "auth/metadata-var2",
  "auth/metadata-var3",
  "auth/pre-registration",
  "auth/scope-from-scopes-supported",
  "auth/scope-from-www-authenticate",
  "auth/scope-omitted-when-undefined",
  "auth/scope-retry-limit",
  "auth/scope-step-up",
  "auth/token-endpoint-auth-basic",
  "auth/token-endpoint-auth-none",
  "auth/token-endpoint-auth-post",
];

const outputDirectories: string[] = [];
afterEach(() => {
  for (const directory of outputDirectories.splice(0)) {
    rmSync(directory, { recursive: true, force: true });
  }
});

async function runClientScenarios(selection: string[]): Promise<{
  exitCode: number | null;
  stdout: string;
  results: ScenarioResult[];
}> {
  const outputDirectory = mkdtempSync(join(tmpdir(), "conformance-client-"));
  outputDirectories.push(outputDirectory);
  const run = runConformance(
    ["client", "--command", CLIENT_COMMAND, ...selection, "--output-dir", outputDirectory],
    { timeoutMs: 170_000 },
  );
  const exitCode = await run.exited;
  return { exitCode, stdout: run.stdout(), results: readScenarioResults(outputDirectory) };
}

function problems(results: ScenarioResult[]): string[] {
  return results.flatMap(({ scenario, checks }) =>
    checks
      .filter((check) => check.status === "FAILURE" || check.status === "WARNING")
      .map((check) => `${scenario} ${check.id}: ${check.status} ${check.errorMessage ?? ""}`),
  );
}

describe("the MCP conformance suite's client scenarios against the demo client", () => {
  it("passes every check of the auth suite, with no warnings", { timeout: 180_000 }, async () => {
    const { exitCode, stdout, results } = await runClientScenarios(["--suite", "auth"]);

    expect(problems(results)).toEqual([]);
    expect(results.map((result) => result.scenario)).toEqual(AUTH_SUITE);
    expect(stdout).toMatch(/^Total: \d+ passed, 0 failed, 0 warnings$/m);
    expect(exitCode).toBe(0);
    // The scenarios where the client's own choices are judged, not only the servers' answers.
    const check = (scenario: string, id: string) =>
      results.find((result) => result.scenario === scenario)?.checks.find((c) => c.id === id)
        ?.status;
    expect(check("auth/basic-cimd", "cimd-client-id-used")).toBe("SUCCESS");
  });

  it("passes the client-credentials extension scenario (SEP-1046, client_secret_basic)", {
    timeout: 60_000,
  }, async () => {
    const { exitCode, results } = await runClientScenarios([
      "--scenario",
      "auth/client-credentials-basic",
    ]);
    expect(problems(results)).toEqual([]);
    expect(results.map((result) => result.scenario)).toEqual(["auth/client-credentials-basic"]);
    expect(results[0]?.checks.some((check) => check.status === "SUCCESS")).toBe(true);
    expect(exitCode).toBe(0);
  });
});
