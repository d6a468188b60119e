// runServer and the process cases, on a server built from the skeleton alone
// (fixtures/example-server): start, the ready line, logs, metrics, SIGTERM and the refusals.

import { expect } from "vitest";
import { describeServerProcess } from "../src/testing/server-process";

describeServerProcess({
  name: "example-server",
  appRoot: new URL("./fixtures/example-server/", import.meta.url),
  readyLine: "example-server: greetings at",
  environment: (origin, databasePath) => ({
    EXAMPLE_URL: origin,
    EXAMPLE_DATABASE_PATH: databasePath,
  }),
  databaseUrlVariable: "EXAMPLE_DATABASE_URL",
  serves: async (origin, output) => {
    expect(output).toMatch(
      new RegExp(
        `^example-server: greetings at ${origin} \\(listening on 127\\.0\\.0\\.1:\\d+, development mode, database SQLite /`,
        "m",
      ),
    );
    expect(await (await fetch(`${origin}/greeting`)).text()).toBe("hello");
  },
  observed: { method: "GET", route: "/greeting", status: 401 },
  refusals: [
    {
      what: "a bad variable",
      environment: { EXAMPLE_URL: "http://localhost:4200/", PORT: "70000" },
      says: /PORT: .*\n {2}- EXAMPLE_URL: must not end with a slash/,
    },
  ],
});
