// A seeded stream of malformed requests over reused connections: every one answered, none with a 5xx.
// `npm run fuzz` runs the same stream at FUZZ_REQUESTS=10000; FUZZ_SEED=<seed> replays a printed run.
import {
  formatFuzzReport,
  fuzzOverKeepAlive,
  fuzzRequestCount,
  fuzzSeed,
} from "@repo/server-kit/fuzz";
import { describe, expect, it } from "vitest";
import { nextMalformedRequest } from "./support/malformed-requests";
import { connectClient, userToken, useTestStack } from "./support/test-stack";

// A low limit, so that the stream also meets the tool-call rate limit's 429.
const stack = useTestStack({ TOOL_RATE_LIMIT: "25" });

const COUNT = fuzzRequestCount(2000);
const SEED = fuzzSeed();
const SCOPES = ["mcp:tools:sentiment:read", "mcp:data:client-info:read"];

describe("the MCP server under a stream of malformed requests over keep-alive", () => {
  it(
    "answers every malformed request on a reused connection, never with a 5xx or a dropped connection, and still runs tool calls afterwards",
    async () => {
      const token = await userToken(stack, { subject: "fuzzer", scopes: SCOPES });
      const report = await fuzzOverKeepAlive({
        origin: stack.mcp.origin,
        seed: SEED,
        count: COUNT,
        next: (random) =>
          nextMalformedRequest(random, { mcpPath: new URL(stack.mcp.resource).pathname, token }),
      });
      console.log(formatFuzzReport("mcp-server", report));

      expect(report.serverErrors).toEqual([]);
      expect(report.dropped).toEqual([]);
      // The connections were reused: a stream that had to reconnect for each request proves nothing.
      expect(report.connectionsOpened).toBeLessThan(report.requests / 4);
      for (const status of [400, 401, 403, 404, 405, 413, 415, 429]) {
        expect(report.statuses[status], `some ${status} answers`).toBeGreaterThan(0);
      }

      // Another client, whose allowance the stream did not use up, calls a tool with the SDK.
      const client = await connectClient(
        stack,
        await userToken(stack, { subject: "after-the-fuzz", clientId: "after", scopes: SCOPES }),
      );
      const result = await client.callTool({ name: "whoami", arguments: {} });
      expect(result.isError).toBeFalsy();
      await client.close();
    },
    // 30 ms a request: about 8 s on an idle 2-core machine, and room for one that also runs the
    // end-to-end browsers and the other workspaces' suites beside it.
    Math.max(60_000, COUNT * 30),
  );
});
