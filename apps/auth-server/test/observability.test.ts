// Request ids and metrics of a real auth-server over HTTP on loopback; the log lines and the
// METRICS_PORT listener of the real process are in process.test.ts.
import { REQUEST_ID_HEADER } from "@repo/server-kit/request-id";
import {
  expectNoPublicMetrics,
  metricSample,
  useMetricsScrape,
} from "@repo/server-kit/testing/metrics";
import { describe, expect, it } from "vitest";
import { listAuditEvents } from "../src/store/audit";
import { obtainAuthorizationCode, redeemCode } from "./support/authorization";
import {
  MCP_RESOURCE,
  registerClient,
  requestClientCredentialsToken,
  useTestAuthServer,
} from "./support/test-server";

const server = useTestAuthServer({ REGISTRATION_RATE_LIMIT: "2", REPLICA_NAME: "auth-test-1" });

const scrape = useMetricsScrape(() => server.instance.server.metrics);

const sample = metricSample;

describe("request ids", () => {
  it("echoes the proxy's X-Request-Id on a token response", async () => {
    const response = await fetch(server.url("/token"), {
      method: "POST",
      headers: { [REQUEST_ID_HEADER]: "nginx-4f1c2a9be3d94c0f" },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get(REQUEST_ID_HEADER)).toBe("nginx-4f1c2a9be3d94c0f");
  });

  it("names the request in the audit rows it wrote", async () => {
    const response = await fetch(server.url("/token"), {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Authorization: `Basic ${Buffer.from("demo-batch:demo-batch-secret").toString("base64")}`,
        [REQUEST_ID_HEADER]: "nginx-token-audit-1",
      },
      body: new URLSearchParams({ grant_type: "client_credentials", resource: MCP_RESOURCE }),
    });
    expect(response.status).toBe(200);
    const [row] = await server.instance.server.store.run((x) =>
      listAuditEvents(x, { event: "token.issued", limit: 1 }),
    );
    expect(row?.requestId).toBe("nginx-token-audit-1");
  });

  it("log injection: an id with a quote and spaces is replaced by one of the server's own", async () => {
    const forged = 'abc" level="fatal';
    const response = await fetch(server.url("/no-such-endpoint"), {
      headers: { [REQUEST_ID_HEADER]: forged },
    });
    expect(response.status).toBe(404);
    expect(response.headers.get(REQUEST_ID_HEADER)).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("metrics", () => {
  it("count tokens by grant type, requests by route pattern, and 429s by route", async () => {
    // The front channel first: the consent steps get the web app's own client-credentials tokens.
    const authorized = await obtainAuthorizationCode(server);
    const before = await scrape();
    const issued = (text: string, grantType: string) =>
      sample(text, "oauth_tokens_issued_total", { grant_type: grantType }) ?? 0;

    for (let i = 0; i < 2; i += 1) {
      expect((await requestClientCredentialsToken(server)).status).toBe(200);
    }
    expect((await redeemCode(server, authorized)).status).toBe(200);
    // The limit is 2 and obtainAuthorizationCode registered once: one more, then a refusal.
    const statuses: number[] = [];
    for (let i = 0; i < 2; i += 1) {
      const response = await registerClient(server, {
        redirect_uris: ["http://localhost:8976/callback"],
        token_endpoint_auth_method: "none",
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([201, 429]);

    const after = await scrape();
    expect(issued(after, "client_credentials") - issued(before, "client_credentials")).toBe(2);
    expect(issued(after, "authorization_code") - issued(before, "authorization_code")).toBe(1);
    expect(
      sample(after, "http_requests_total", { method: "POST", route: "/token", status: "200" }),
    ).toBeGreaterThanOrEqual(3);
    expect(sample(after, "http_rate_limited_total", { route: "/register" })).toBe(1);
    // A route with a parameter is one series, whatever the id in the path.
    expect(after).toMatch(/route="\/internal\/interactions\/:id[^"]*"/);
    expect(after).not.toContain(authorized.clientId);
    expect(sample(after, "http_requests_total", { replica: "auth-test-1" })).toBeDefined();
  });

  it("are never served on the public port", () => expectNoPublicMetrics(server.url("")));
});
