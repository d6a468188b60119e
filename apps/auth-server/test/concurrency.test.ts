// Parallel token requests: every one succeeds and leaves exactly one audit row (one SQLite insert each).
import { describe, expect, it } from "vitest";
import { listAuditEvents } from "../src/store/audit";
import { json, requestClientCredentialsToken, useTestAuthServer } from "./support/test-server";

const server = useTestAuthServer();

describe("concurrency", () => {
  it("serves 50 parallel client-credentials requests, all 200, with 50 distinct tokens and 50 audit rows", async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => requestClientCredentialsToken(server)),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
    const tokens = await Promise.all(
      responses.map(async (response) => (await json(response)).access_token),
    );
    expect(new Set(tokens).size).toBe(50);

    const issued = await server.instance.server.store.run((x) =>
      listAuditEvents(x, {
        event: "token.issued",
        limit: 1000,
      }),
    );
    expect(issued).toHaveLength(50);
    expect(new Set(issued.map((event) => event.details?.jti)).size).toBe(50);
  });
});
