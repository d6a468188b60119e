// One setting, three apps: `npm run demo` (turbo's start task) must hand every app the settings it
// reads. Turbo runs tasks in strict environment mode, which silently drops any variable not listed.
import { readFileSync } from "node:fs";
import { AUTH_SERVER_ENVIRONMENT_KEYS } from "@repo/auth-server";
import { MCP_SERVER_ENVIRONMENT_KEYS } from "@repo/mcp-server/config";
import { WEB_ENVIRONMENT_KEYS } from "@repo/web/config";
import { describe, expect, it } from "vitest";

const turbo = JSON.parse(readFileSync(new URL("../../turbo.json", import.meta.url), "utf8")) as {
  tasks: Record<string, { passThroughEnv?: string[] }>;
};

/** Where each app listens is a per-process choice: one PORT or METRICS_PORT for all would collide. */
const PER_PROCESS = new Set(["HOST", "PORT", "METRICS_PORT"]);

describe("turbo's start and dev tasks", () => {
  const settings = [
    ...AUTH_SERVER_ENVIRONMENT_KEYS,
    ...MCP_SERVER_ENVIRONMENT_KEYS,
    ...WEB_ENVIRONMENT_KEYS,
  ].filter((key) => !PER_PROCESS.has(key));

  it.each(["start", "dev", "@repo/web#start"])("%s passes every app setting through", (task) => {
    const passed = new Set(turbo.tasks[task]?.passThroughEnv ?? []);
    expect(settings.filter((key) => !passed.has(key))).toEqual([]);
  });
});
