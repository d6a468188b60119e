// A seeded stream of malformed requests over reused connections: every one answered, none with a 5xx.
// `npm run fuzz` runs the same stream at FUZZ_REQUESTS=10000; FUZZ_SEED=<seed> replays a printed run.
import {
  formatFuzzReport,
  fuzzOverKeepAlive,
  fuzzRequestCount,
  fuzzSeed,
} from "@repo/server-kit/fuzz";
import { describe, expect, it } from "vitest";
import { webToken } from "./support/admin";
import { nextMalformedRequest } from "./support/malformed-requests";
import { json, requestClientCredentialsToken, useTestAuthServer } from "./support/test-server";

// Low limits, so that the stream also meets the 429s of registration and authorization.
const server = useTestAuthServer({ REGISTRATION_RATE_LIMIT: "25", AUTHORIZATION_RATE_LIMIT: "25" });

const COUNT = fuzzRequestCount(2000);
const SEED = fuzzSeed();

describe("the authorization server under a stream of malformed requests over keep-alive", () => {
  it(
    "answers every malformed request on a reused connection, never with a 5xx or a dropped connection, and still issues tokens afterwards",
    async () => {
      const internalToken = await webToken(server);
      const report = await fuzzOverKeepAlive({
        origin: server.issuer,
        seed: SEED,
        count: COUNT,
        next: (random) => nextMalformedRequest(random, { internalToken }),
      });
      console.log(formatFuzzReport("auth-server", report));

      expect(report.serverErrors).toEqual([]);
      expect(report.dropped).toEqual([]);
      // The connections were reused: a stream that had to reconnect for each request proves nothing.
      expect(report.connectionsOpened).toBeLessThan(report.requests / 4);
      // The early answers the issue saw dropping connections were all in the stream.
      for (const status of [400, 401, 404, 405, 413, 429]) {
        expect(report.statuses[status], `some ${status} answers`).toBeGreaterThan(0);
      }

      const token = await requestClientCredentialsToken(server);
      expect(token.status).toBe(200);
      expect((await json(token)).token_type).toBe("Bearer");
    },
    // 30 ms a request: about 8 s on an idle 2-core machine, and room for one that also runs the
    // end-to-end browsers and the other workspaces' suites beside it.
    Math.max(60_000, COUNT * 30),
  );
});
