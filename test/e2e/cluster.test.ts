// The cluster end to end: two auth-server and two MCP server replicas on PostgreSQL and Redis, the web
// app, and nginx in front (test/e2e/support/cluster.ts). Everything goes through the proxy, as a
// deployment's clients would: the person's flow in Chromium, the machine flow, a refresh, a step-up, a
// load during which one replica of each server is killed, and a registration limit that must hold
// across replicas for each real client address. vitest.config.ts leaves this file out, saying so in
// one line, when PostgreSQL, Redis or nginx is missing; under CI their absence fails the run.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { queryTestDatabase } from "@repo/server-kit/testing/postgres";
import { sharedServicesForTests } from "@repo/server-kit/testing/services";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./support/browser";
import { type Cluster, startCluster } from "./support/cluster";
import { giveConsent, runDemoClient } from "./support/demo-client";
import { sendFrom } from "./support/loopback-client";

/** Registrations per address per window: low, so the limit test reaches it in a few requests. */
const REGISTRATION_LIMIT = 30;

let cluster: Cluster;
let browser: Browser;

beforeAll(async () => {
  const services = await sharedServicesForTests("the cluster suite");
  if (!services) throw new Error("PostgreSQL and Redis are needed (vitest.config.ts checks them)");
  [cluster, browser] = await Promise.all([
    startCluster(services, {
      auth: {
        REGISTRATION_RATE_LIMIT: String(REGISTRATION_LIMIT),
        FAILED_CLIENT_AUTH_LIMIT: "10000",
        AUTHORIZATION_RATE_LIMIT: "10000",
      },
      mcp: { TOOL_RATE_LIMIT: "100000" },
    }),
    launchChromium(),
  ]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await cluster?.close();
});

function stateFile(name: string): string {
  return join(cluster.directory, `${name}.json`);
}

function userFlow(state: string, ...flags: string[]) {
  return runDemoClient([
    "--no-browser",
    "--server",
    cluster.mcpUrl,
    "--state-file",
    state,
    ...flags,
  ]);
}

interface StoredState {
  client: { client_id: string };
  tokens: { tokens: { access_token: string; refresh_token?: string } };
}

function readState(name: string): StoredState {
  return JSON.parse(readFileSync(stateFile(name), "utf8")) as StoredState;
}

function jwtClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
}

const MCP_HEADERS = {
  Accept: "application/json, text/event-stream",
  "Content-Type": "application/json",
  "MCP-Protocol-Version": "2025-11-25",
};

let rpcId = 1;

async function callTool(token: string, name: string, args: Record<string, unknown>) {
  const response = await fetch(cluster.mcpUrl, {
    method: "POST",
    headers: { ...MCP_HEADERS, Authorization: `Bearer ${token}` },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: rpcId++,
      method: "tools/call",
      params: { name, arguments: args },
    }),
  });
  const text = await response.text();
  return { status: response.status, body: text };
}

const DEMO_BATCH_BASIC = `Basic ${Buffer.from("demo-batch:demo-batch-secret").toString("base64")}`;

async function machineToken() {
  const response = await fetch(`${cluster.issuer}/token`, {
    method: "POST",
    headers: {
      Authorization: DEMO_BATCH_BASIC,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      resource: cluster.mcpUrl,
    }).toString(),
  });
  return { status: response.status, body: await response.text() };
}

describe("the cluster, through the proxy", () => {
  it("both auth-server replicas started at once on an empty database: the seed is there once", async () => {
    const clients = await queryTestDatabase(
      cluster.databases.auth.url,
      "select client_id from clients where client_id = $1",
      ["demo-batch"],
    );
    expect(clients).toHaveLength(1);
    const users = await queryTestDatabase(
      cluster.databases.auth.url,
      "select email from users order by email",
    );
    expect(users.map((row) => row.email)).toEqual(["analyst@example.com", "demo@example.com"]);
  });

  it("the person's flow: the MCP SDK client discovers, registers, gets consent in Chromium, calls a tool", async () => {
    const context = await browser.newContext();
    const run = userFlow(stateFile("person"));
    const page = await giveConsent(run, context);
    expect(page).toContain("You can close this tab");
    const { code, stdout, stderr } = await run.exited;
    await context.close();
    expect(stderr).toBe("");
    expect(code).toBe(0);
    // Discovery names the proxy's URLs, never a replica's own port.
    expect(stdout).toContain(`authorization_servers: ${cluster.issuer}`);
    for (const replica of [...cluster.auth, ...cluster.mcp]) {
      expect(stdout).not.toContain(new URL(replica.url).host);
    }
    expect(stdout).toMatch(/get_ticker_sentiment: Quartexa/);
  });

  it("a refresh through the proxy rotates the refresh token; the new access token calls a tool", async () => {
    const stored = readState("person");
    const refresh = async (refreshToken: string) =>
      fetch(`${cluster.issuer}/token`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "refresh_token",
          refresh_token: refreshToken,
          client_id: stored.client.client_id,
        }),
      });
    const response = await refresh(stored.tokens.tokens.refresh_token ?? "");
    expect(response.status).toBe(200);
    const rotated = (await response.json()) as { access_token: string; refresh_token: string };
    expect(rotated.refresh_token).not.toBe(stored.tokens.tokens.refresh_token);
    // Whichever replica answers, the new token is accepted: both verify against the shared keys.
    for (let attempt = 0; attempt < 4; attempt++) {
      const call = await callTool(rotated.access_token, "get_ticker_sentiment", { ticker: "QTXA" });
      expect(call.status).toBe(200);
      expect(call.body).toContain("Quartexa");
    }
  });

  it("a step-up: 403 insufficient_scope, consent to the write scope in Chromium, then the write succeeds", async () => {
    const context = await browser.newContext();
    const run = userFlow(stateFile("step-up"), "--step-up", "--ticker", "VXLN");
    await giveConsent(run, context);
    await giveConsent(run, context, { seen: 1 });
    const { code, stdout } = await run.exited;
    await context.close();
    expect(code).toBe(0);
    expect(stdout).toMatch(/error="insufficient_scope"/);
    expect(stdout).toMatch(/watchlist_add: .*VXLN/);
  });

  it("the machine flow: client credentials through the proxy, then a tool call", async () => {
    const { code, stdout, stderr } = await runDemoClient(
      ["--client-credentials", "--server", cluster.mcpUrl],
      { ISSUER: cluster.issuer },
    ).exited;
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain("grant_type: client_credentials");
    expect(stdout).toMatch(/get_ticker_sentiment: Quartexa/);
  });
});

describe("the registration limit behind the proxy (Redis)", () => {
  const register = (from: string, headers: Record<string, string> = {}) =>
    sendFrom(from, `${cluster.issuer}/register`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body: JSON.stringify({
        client_name: "limit test",
        redirect_uris: ["http://127.0.0.1:9/callback"],
        token_endpoint_auth_method: "none",
      }),
    });

  it("holds across both replicas for one client address, and not for another", async () => {
    // The proxy spreads these over both auth-server replicas, each of which alone would let twice
    // as many through if it counted in its own memory.
    for (let index = 0; index < REGISTRATION_LIMIT; index++) {
      expect((await register("127.0.0.2")).status).toBe(201);
    }
    const refused = await register("127.0.0.2");
    expect(refused.status).toBe(429);
    expect(refused.headers["retry-after"]).toMatch(/^\d+$/);
    expect((await register("127.0.0.3")).status).toBe(201);
  });

  it("refuses a client that rotates a spoofed X-Forwarded-For to escape the limit", async () => {
    for (const spoofed of ["203.0.113.7", "198.51.100.1, 203.0.113.8"]) {
      const response = await register("127.0.0.2", { "X-Forwarded-For": spoofed });
      expect(response.status).toBe(429);
    }
  });
});

// Last: it leaves one replica of each server dead.
describe("losing a replica", () => {
  it("keeps answering through the survivors when one replica of each server is SIGKILLed under load, and loses no acknowledged write", async () => {
    const person = readState("step-up").tokens.tokens.access_token;
    const personSubject = String(jwtClaims(person).sub);
    const batch = await machineToken();
    expect(batch.status).toBe(200);
    const batchToken = (JSON.parse(batch.body) as { access_token: string }).access_token;
    // The companies the dataset covers: the only tickers watchlist_add accepts.
    const dataset = JSON.parse(
      readFileSync(
        new URL("../../packages/sentiment/src/dataset/news.json", import.meta.url),
        "utf8",
      ),
    ) as { companies: { ticker: string }[] };
    const tickers = dataset.companies.map((company) => company.ticker);

    interface Outcome {
      kind: string;
      started: number;
      ended: number;
      status: number;
    }
    const outcomes: Outcome[] = [];
    const acknowledged = { jtis: [] as string[], clients: [] as string[], tickers: [] as string[] };
    let toolCallsAcknowledged = 0;
    const durationMs = 9_000;
    const start = Date.now();
    let killedAt = Number.POSITIVE_INFINITY;

    const worker = async (kind: string, step: (index: number) => Promise<number>) => {
      for (let index = 0; Date.now() - start < durationMs; index++) {
        const started = Date.now();
        let status: number;
        try {
          status = await step(index);
        } catch {
          status = 0; // the connection failed: counted with the 5xx below
        }
        outcomes.push({ kind, started, ended: Date.now(), status });
      }
    };

    const tokenStep = async () => {
      const { status, body } = await machineToken();
      if (status === 200) {
        acknowledged.jtis.push(
          String(jwtClaims((JSON.parse(body) as { access_token: string }).access_token).jti),
        );
      }
      return status;
    };
    const toolStep = async () => {
      const { status, body } = await callTool(batchToken, "get_ticker_sentiment", {
        ticker: "QTXA",
      });
      if (status === 200 && !body.includes('"isError":true')) toolCallsAcknowledged++;
      return status;
    };
    const watchlistStep = async (index: number) => {
      const ticker = tickers[index % tickers.length] ?? "QTXA";
      const { status, body } = await callTool(person, "watchlist_add", { ticker });
      if (status === 200 && !body.includes('"isError":true')) acknowledged.tickers.push(ticker);
      return status;
    };
    const registerStep = async (index: number) => {
      // From an address of its own, so these registrations do not count against the limit test's.
      const response = await sendFrom("127.0.0.4", `${cluster.issuer}/register`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          client_name: `load ${index}`,
          redirect_uris: ["http://127.0.0.1:9/callback"],
          token_endpoint_auth_method: "none",
        }),
      });
      if (response.status === 201) {
        acknowledged.clients.push(
          String((JSON.parse(response.body) as { client_id: string }).client_id),
        );
      }
      // One a second keeps this address under the registration limit for the whole load.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      return response.status;
    };

    const kill = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      killedAt = Date.now();
      await Promise.all([cluster.auth[0]?.kill(), cluster.mcp[0]?.kill()]);
    })();
    await Promise.all([
      worker("token", tokenStep),
      worker("token", tokenStep),
      worker("tool", toolStep),
      worker("tool", toolStep),
      worker("watchlist", watchlistStep),
      worker("register", registerStep),
      kill,
    ]);

    // The kill was real: both processes died of SIGKILL, mid-load.
    expect(cluster.auth[0]?.process.child.signalCode).toBe("SIGKILL");
    expect(cluster.mcp[0]?.process.child.signalCode).toBe("SIGKILL");
    // Work went on before and after the kill.
    const after = outcomes.filter((outcome) => outcome.started > killedAt + 1_000);
    expect(outcomes.filter((outcome) => outcome.ended < killedAt).length).toBeGreaterThan(20);
    expect(after.length).toBeGreaterThan(20);
    // The only failures are requests that were on a killed process when it died.
    const failed = outcomes.filter((outcome) => outcome.status === 0 || outcome.status >= 500);
    for (const outcome of failed) {
      expect(outcome.started).toBeLessThanOrEqual(killedAt + 100);
      expect(outcome.ended).toBeGreaterThanOrEqual(killedAt);
    }
    expect(failed.length).toBeLessThanOrEqual(6);
    expect(outcomes.filter((outcome) => outcome.status >= 400 && outcome.status < 500)).toEqual([]);
    for (const kind of ["token", "tool", "watchlist", "register"]) {
      expect(after.filter((outcome) => outcome.kind === kind).length).toBeGreaterThan(0);
    }

    // Every acknowledged write is in the shared databases.
    const issued = await queryTestDatabase(
      cluster.databases.auth.url,
      "select details::jsonb ->> 'jti' as jti from audit_events where event = 'token.issued'",
    );
    const issuedJtis = new Set(issued.map((row) => row.jti));
    expect(acknowledged.jtis.filter((jti) => !issuedJtis.has(jti))).toEqual([]);
    const registered = await queryTestDatabase(
      cluster.databases.auth.url,
      "select client_id from clients where client_id = any($1)",
      [acknowledged.clients],
    );
    expect(registered).toHaveLength(acknowledged.clients.length);
    const watched = await queryTestDatabase(
      cluster.databases.mcp.url,
      "select ticker from watchlist_items where subject = $1",
      [personSubject],
    );
    const watchedTickers = new Set(watched.map((row) => row.ticker));
    expect(acknowledged.tickers.filter((ticker) => !watchedTickers.has(ticker))).toEqual([]);
    const toolCalls = await queryTestDatabase(
      cluster.databases.mcp.url,
      "select count(*)::int as n from tool_calls where client_id = 'demo-batch' and tool = 'get_ticker_sentiment' and outcome = 'success'",
    );
    expect(Number(toolCalls[0]?.n)).toBeGreaterThanOrEqual(toolCallsAcknowledged);
  });
});
