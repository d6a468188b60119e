// Seeded streams of malformed HTTP requests sent over reused connections (RFC 9112 §9.3).
import { randomInt } from "node:crypto";
import { Agent, fetch } from "undici";

/**
 * A seeded pseudo-random source (mulberry32). Hand-written rather than fast-check: what fails here
 * depends on the order of requests on shared connections, so fast-check's shrinking of independent
 * samples would not apply, and a seed plus five lines of arithmetic reproduce a stream exactly.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** An integer in [0, below). */
  int(below: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
}

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (below: number) => Math.floor(next() * below);
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error("pick from an empty list");
      return items[int(items.length)] as T;
    },
    chance: (probability) => next() < probability,
  };
}

/** FUZZ_SEED if set (to replay a run), otherwise a fresh one; either way the caller prints it. */
export function fuzzSeed(value: string | undefined = process.env.FUZZ_SEED): number {
  if (value === undefined || value === "") return randomInt(0, 2 ** 32);
  const seed = Number(value);
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
    throw new Error(`FUZZ_SEED must be an integer from 0 to ${2 ** 32 - 1}, not ${value}`);
  }
  return seed;
}

/** FUZZ_REQUESTS if set (`npm run fuzz` sends more), otherwise `fallback`. */
export function fuzzRequestCount(
  fallback: number,
  value: string | undefined = process.env.FUZZ_REQUESTS,
): number {
  if (value === undefined || value === "") return fallback;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`FUZZ_REQUESTS must be a positive integer, not ${value}`);
  }
  return count;
}

/** A body sent with Content-Length, or in chunks of `chunkBytes` (chunked transfer coding). */
export type FuzzBody = string | Uint8Array | { chunked: Uint8Array; chunkBytes: number };

export interface FuzzRequest {
  /** What is wrong with it, for the report. */
  kind: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: FuzzBody;
}

const encoder = new TextEncoder();

/** The pieces of malformed requests that every server's generator draws from. */
export const malformed = {
  /** A body well past any limit here (100 KiB), the size the issue's stream sent. */
  hugeBody: (random: Random, fill = "a"): FuzzBody => {
    const bytes = encoder.encode(fill.repeat(100 * 1024));
    return random.chance(0.5) ? bytes : { chunked: bytes, chunkBytes: 1 + random.int(32 * 1024) };
  },

  /** A prefix of `text`, cut anywhere (the empty prefix included). */
  truncated: (random: Random, text: string): string => text.slice(0, random.int(text.length)),

  /** Bytes that are not UTF-8: a lone continuation byte, an overlong encoding, a surrogate, 0xFF. */
  invalidUtf8: (random: Random, around = ""): Uint8Array => {
    const junk = random.pick([
      [0x80],
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xff, 0xfe],
      [0xe2, 0x82],
    ]);
    const text = encoder.encode(around);
    const at = random.int(text.length + 1);
    return Uint8Array.from([...text.subarray(0, at), ...junk, ...text.subarray(at)]);
  },

  /** Content types a strict endpoint must refuse (and some it must parse past). */
  contentType: (random: Random): string =>
    random.pick([
      "text/plain",
      "application/xml",
      "multipart/form-data; boundary=x",
      "application/json; charset=utf-16",
      "application/x-www-form-urlencoded; charset=iso-8859-1",
      "application/x-www-form-urlencoded, application/json",
      "application/*",
      ";;;",
      "application/json;",
      "x".repeat(2000),
    ]),

  /** Authorization headers no client could have meant as HTTP Basic (RFC 7617) credentials. */
  basicCredentials: (random: Random): string => {
    const base64 = (text: string) => Buffer.from(text, "latin1").toString("base64");
    return random.pick([
      "Basic",
      "Basic ",
      "Basic !!!not-base64!!!",
      `Basic ${base64("no-colon-here")}`,
      `Basic ${base64(":")}`,
      `Basic ${base64("demo-batch:")}`,
      `Basic ${base64("%zz:%")}`,
      `Basic ${base64("demo-batch:wrong-secret")}`,
      `Basic ${base64("\u00ff\u00fe:\u0080")}`,
      `Basic ${base64(`${"a".repeat(5000)}:${"b".repeat(5000)}`)}`,
      `basic   ${base64("demo-batch:demo-batch-secret")}=`,
      `Basic ${base64("demo-batch:demo-batch-secret")} extra`,
      "Digest username=x",
    ]);
  },

  /** Bearer tokens (RFC 6750 §2.1) that are not tokens this server issued. */
  bearerToken: (random: Random): string => {
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    return random.pick([
      "Bearer",
      "Bearer ",
      "Bearer a.b.c",
      "Bearer ....",
      `Bearer ${part({ alg: "none" })}.${part({ sub: "x", aud: "mcp" })}.`,
      `Bearer ${part({ alg: "HS256", kid: "k" })}.${part({ exp: 1 })}.c2ln`,
      `Bearer ${"x".repeat(8000)}`,
      "Bearer token with spaces",
      "Basic ZGVtby1iYXRjaDpkZW1vLWJhdGNoLXNlY3JldA==",
      "bearer",
    ]);
  },

  /** A form body with one of its parameters twice (RFC 6749 §3.1: "MUST NOT be included more than once"). */
  duplicateParameter: (random: Random, parameters: [string, string][]): string => {
    const entries = [...parameters];
    const twice = random.pick(entries);
    entries.splice(random.int(entries.length + 1), 0, [twice[0], random.pick([twice[1], "other"])]);
    return new URLSearchParams(entries).toString();
  },

  /** Methods an endpoint does not take (the fetch API cannot send CONNECT, TRACE or TRACK). */
  method: (random: Random, allowed: readonly string[]): string =>
    random.pick(
      ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"].filter((m) => !allowed.includes(m)),
    ),
};

export interface DroppedRequest {
  kind: string;
  method: string;
  path: string;
  error: string;
}

export interface FuzzReport {
  seed: number;
  requests: number;
  /** Connections the client had to open: far fewer than requests means connections were reused. */
  connectionsOpened: number;
  statuses: Record<number, number>;
  /** Requests answered with a 5xx. */
  serverErrors: { kind: string; method: string; path: string; status: number }[];
  /** Requests that got no complete HTTP answer (reset, closed, truncated). */
  dropped: DroppedRequest[];
}

export interface FuzzOptions {
  origin: string;
  seed: number;
  /** The requests, in order; `count` of them are drawn. */
  next: (random: Random, index: number) => FuzzRequest;
  count: number;
  /** Connections per origin, few enough that each carries many requests (default 4). */
  connections?: number;
  /** Requests in flight at once (default 8). */
  concurrency?: number;
}

/** undici's fetch over at most `connections` keep-alive connections, counting the ones it opens. */
export interface KeepAliveClient {
  fetch: (url: string | URL, init?: Parameters<typeof fetch>[1]) => ReturnType<typeof fetch>;
  connectionsOpened(): number;
  close(): Promise<void>;
}

export function keepAliveClient(connections = 1): KeepAliveClient {
  const agent = new Agent({ connections, pipelining: 1 });
  let opened = 0;
  agent.on("connect", () => {
    opened += 1;
  });
  return {
    fetch: (url, init) => fetch(url, { ...init, dispatcher: agent }),
    connectionsOpened: () => opened,
    close: () => agent.close(),
  };
}

function bodyInit(body: FuzzBody | undefined): {
  body?: string | Uint8Array | ReadableStream;
  duplex?: "half";
} {
  if (body === undefined) return {};
  if (typeof body === "string" || body instanceof Uint8Array) return { body };
  const { chunked, chunkBytes } = body;
  let offset = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= chunked.byteLength) return controller.close();
      controller.enqueue(chunked.subarray(offset, offset + chunkBytes));
      offset += chunkBytes;
    },
  });
  return { body: stream, duplex: "half" };
}

function describeError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const message = error instanceof Error ? error.message : String(error);
  return cause?.code ? `${cause.code}: ${cause.message ?? message}` : message;
}

/**
 * Sends `count` requests drawn from `next` with Node's own HTTP client (undici, what the MCP SDK's
 * fetch uses) over a few keep-alive connections, and reports every answer's status and every request
 * that got no answer. Nothing here retries: a request that fails is counted as dropped.
 */
export async function fuzzOverKeepAlive(options: FuzzOptions): Promise<FuzzReport> {
  const random = seededRandom(options.seed);
  const requests = Array.from({ length: options.count }, (_, index) => options.next(random, index));
  const client = keepAliveClient(options.connections ?? 4);
  const report: FuzzReport = {
    seed: options.seed,
    requests: requests.length,
    connectionsOpened: 0,
    statuses: {},
    serverErrors: [],
    dropped: [],
  };
  let cursor = 0;
  const worker = async () => {
    for (let request = requests[cursor++]; request !== undefined; request = requests[cursor++]) {
      const { kind, method, path } = request;
      // The fetch API refuses to send a body with GET or HEAD; such a request goes without one.
      const body = method === "GET" || method === "HEAD" ? undefined : request.body;
      try {
        const response = await client.fetch(new URL(path, options.origin), {
          method,
          headers: request.headers,
          ...bodyInit(body),
        });
        await response.arrayBuffer();
        report.statuses[response.status] = (report.statuses[response.status] ?? 0) + 1;
        if (response.status >= 500) {
          report.serverErrors.push({ kind, method, path, status: response.status });
        }
      } catch (error) {
        report.dropped.push({ kind, method, path, error: describeError(error) });
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  } finally {
    report.connectionsOpened = client.connectionsOpened();
    await client.close();
  }
  return report;
}

/** One paragraph for the test log: the seed to replay, the statuses, the failures. */
export function formatFuzzReport(name: string, report: FuzzReport): string {
  const statuses = Object.entries(report.statuses)
    .map(([status, count]) => `${status} × ${count}`)
    .join(", ");
  const lines = [
    `${name}: ${report.requests} malformed requests over ${report.connectionsOpened} connections, seed ${report.seed} (FUZZ_SEED=${report.seed} replays it)`,
    `  statuses: ${statuses}`,
    `  5xx: ${report.serverErrors.length}, dropped connections: ${report.dropped.length}`,
  ];
  for (const failure of [...report.serverErrors, ...report.dropped].slice(0, 10)) {
    lines.push(`  ${JSON.stringify(failure)}`);
  }
  return lines.join("\n");
}
