// The shared configuration cases, run against a server that reads nothing but the shared settings:
// what they accept and refuse is server-settings.ts's own behaviour, not an app's.
import { describe, expect, it } from "vitest";
import { configProblems, describeServerSettings } from "../src/testing/server-settings";
import { loadExampleConfig } from "./fixtures/example-server/src/config";

describeServerSettings({
  loadConfig: loadExampleConfig,
  publicUrl: { variable: "EXAMPLE_URL", default: "http://localhost:4200" },
  database: {
    urlVariable: "EXAMPLE_DATABASE_URL",
    pathVariable: "EXAMPLE_DATABASE_PATH",
    defaultFile: "data/example.sqlite",
  },
});

describe("serverSettings", () => {
  it("listens on the default port of an https public URL that names none", () => {
    expect(loadExampleConfig({ EXAMPLE_URL: "https://example.com" }).port).toBe(443);
  });

  it("resolves a relative SQLite path against the repository root, wherever the process started", () => {
    const { url } = loadExampleConfig({}).database;
    expect(url).toBe(new URL("../../../data/example.sqlite", import.meta.url).pathname);
  });
});

describe("configProblems", () => {
  it("is empty for an environment loadConfig accepts", () => {
    expect(configProblems(loadExampleConfig, {})).toEqual([]);
  });

  it("lists one line per bad variable", () => {
    expect(configProblems(loadExampleConfig, { PORT: "x", NODE_ENV: "staging" })).toEqual([
      expect.stringMatching(/^NODE_ENV: /),
      expect.stringMatching(/^PORT: /),
    ]);
  });

  it("lets any other error through, so a bug is not taken for a refusal", () => {
    const broken = () => {
      throw new TypeError("not a configuration problem");
    };
    expect(() => configProblems(broken, {})).toThrow(TypeError);
  });
});
