// Fetching a URL someone else chose without SSRF: draft-ietf-oauth-client-id-metadata-document-00 §6.5
// (no RFC 6890 special-use addresses: see global-address.ts) and §6.6 (bounded reads).
import { lookup as systemLookup } from "node:dns/promises";
import { isIP, type LookupFunction } from "node:net";
import { Agent, fetch, type Headers } from "undici";
import { isGlobalUnicastAddress } from "./global-address";

/** The CIMD draft recommends reading at most 5 kilobytes of a metadata document. */
export const DEFAULT_MAX_RESPONSE_BYTES = 5 * 1024;
/** One budget for DNS, connect, TLS, headers and body together; the person is waiting on /authorize. */
export const DEFAULT_FETCH_TIMEOUT_MS = 5_000;

export type OutboundFetchFailure =
  | "unsupported_url"
  | "forbidden_address"
  | "dns"
  | "network"
  | "timeout"
  | "redirect"
  | "http_status"
  | "content_type"
  | "too_large"
  | "invalid_json";

/**
 * Why an outbound fetch was refused or failed. The message is safe to show: it never contains the
 * resolved address (that would turn the server into an oracle for internal DNS) nor the response body.
 */
export class OutboundFetchError extends Error {
  override name = "OutboundFetchError";

  constructor(
    readonly failure: OutboundFetchFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A DNS answer: every address a host name resolves to. Injected by tests, which have no real DNS. */
export type ResolveHostname = (hostname: string) => Promise<string[]>;

export interface OutboundFetchOptions {
  /**
   * Development mode only: allow loopback, private and other special-use addresses, so that a client
   * running on the developer's machine can serve its document from 127.0.0.1.
   */
  allowPrivateNetwork: boolean;
  timeoutMs?: number;
  maxBytes?: number;
  resolveHostname?: ResolveHostname;
  /** The media types accepted for the JSON document; `application/json` unless given. */
  mediaTypes?: readonly string[];
}

export interface OutboundJsonResponse {
  /** The parsed JSON value; its shape is for the caller to validate. */
  body: unknown;
  headers: Headers;
}

export interface OutboundFetcher {
  /** GETs a JSON document (see mediaTypes) that must be served with 200 OK, without following redirects. */
  fetchJson(url: URL): Promise<OutboundJsonResponse>;
  /** Closes pooled connections. */
  close(): Promise<void>;
}

const forbiddenAddress = () =>
  new OutboundFetchError(
    "forbidden_address",
    "the host is not a public internet address (loopback, private, link-local and other special-use addresses are refused)",
  );

/**
 * Where only public addresses are allowed, a name that does not resolve and a name that resolves to
 * an internal address get one message: otherwise the error would tell a stranger which internal host
 * names exist. The failure kind (for the audit log) still differs.
 */
const unresolvable = (allowPrivateNetwork: boolean, cause?: unknown) =>
  new OutboundFetchError(
    "dns",
    allowPrivateNetwork ? "the host name could not be resolved" : forbiddenAddress().message,
    cause === undefined ? undefined : { cause },
  );

const systemResolveHostname: ResolveHostname = async (hostname) =>
  (await systemLookup(hostname, { all: true })).map((entry) => entry.address);

/**
 * The `lookup` the socket connects with. Resolving here, once, and refusing the whole answer if any
 * address in it is not public, is what defeats DNS rebinding: a guard that resolved the name first and
 * then let the connection resolve it again could be shown a public address and then a private one.
 */
function guardedLookup(resolveHostname: ResolveHostname, allowPrivateNetwork: boolean) {
  const lookup: LookupFunction = (hostname, options, callback) => {
    resolveHostname(hostname).then(
      (answer) => {
        const addresses = answer
          .map((address) => ({ address, family: isIP(address) }))
          .filter(({ family }) => family !== 0 && (!options.family || family === options.family));
        const first = addresses[0];
        if (!first) {
          callback(unresolvable(allowPrivateNetwork), "", 0);
          return;
        }
        if (
          !allowPrivateNetwork &&
          !addresses.every(({ address }) => isGlobalUnicastAddress(address))
        ) {
          callback(forbiddenAddress(), "", 0);
          return;
        }
        if (options.all) callback(null, addresses);
        else callback(null, first.address, first.family);
      },
      (error: unknown) => callback(unresolvable(allowPrivateNetwork, error), "", 0),
    );
  };
  return lookup;
}

function mediaType(contentType: string | null): string | undefined {
  return contentType?.split(";")[0]?.trim().toLowerCase();
}

/** The OutboundFetchError somewhere in undici's "fetch failed" chain of causes, if any. */
function failureIn(error: unknown): OutboundFetchError | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (current instanceof OutboundFetchError) return current;
    current = current instanceof Error ? current.cause : undefined;
  }
  return undefined;
}

async function readLimited(
  body: AsyncIterable<Uint8Array> | null,
  maxBytes: number,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (body) {
    for await (const chunk of body) {
      total += chunk.byteLength;
      // Counted as it arrives: a missing or false Content-Length must not make the server buffer an
      // endless body; leaving the loop cancels the stream.
      if (total > maxBytes) throw tooLarge(maxBytes);
      chunks.push(chunk);
    }
  }
  return Buffer.concat(chunks);
}

const tooLarge = (maxBytes: number) =>
  new OutboundFetchError("too_large", `the response is larger than ${maxBytes} bytes`);

export function createOutboundFetcher(options: OutboundFetchOptions): OutboundFetcher {
  const timeoutMs = options.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const mediaTypes = options.mediaTypes ?? ["application/json"];
  const agent = new Agent({
    connect: {
      lookup: guardedLookup(
        options.resolveHostname ?? systemResolveHostname,
        options.allowPrivateNetwork,
      ),
      timeout: timeoutMs,
    },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });

  async function fetchJson(url: URL): Promise<OutboundJsonResponse> {
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      throw new OutboundFetchError("unsupported_url", "only https (or http) URLs are fetched");
    }
    if (url.username || url.password) {
      throw new OutboundFetchError("unsupported_url", "a URL with credentials is not fetched");
    }
    // An IP-literal host never reaches the lookup above, so it is judged here.
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    if (isIP(host) !== 0 && !options.allowPrivateNetwork && !isGlobalUnicastAddress(host)) {
      throw forbiddenAddress();
    }

    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const response = await fetch(url, {
        dispatcher: agent,
        // A redirect could lead anywhere, including to an address this guard would refuse; the CIMD
        // draft forbids following them.
        redirect: "manual",
        headers: { Accept: "application/json" },
        signal: controller.signal,
      });
      if (response.status >= 300 && response.status < 400) {
        throw new OutboundFetchError(
          "redirect",
          `the server answered with a redirect (HTTP ${response.status}), which is not followed`,
        );
      }
      if (response.status !== 200) {
        throw new OutboundFetchError(
          "http_status",
          `the server answered HTTP ${response.status} instead of 200 OK`,
        );
      }
      if (!mediaTypes.includes(mediaType(response.headers.get("content-type")) ?? "")) {
        throw new OutboundFetchError(
          "content_type",
          `the response is not served as ${mediaTypes.join(" or ")}`,
        );
      }
      const declaredLength = Number(response.headers.get("content-length") ?? 0);
      if (declaredLength > maxBytes) throw tooLarge(maxBytes);
      const bytes = await readLimited(response.body, maxBytes);
      let text: string;
      try {
        text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
      } catch (error) {
        throw new OutboundFetchError("invalid_json", "the response is not valid UTF-8", {
          cause: error,
        });
      }
      try {
        return { body: JSON.parse(text), headers: response.headers };
      } catch (error) {
        throw new OutboundFetchError("invalid_json", "the response is not valid JSON", {
          cause: error,
        });
      }
    } catch (error) {
      if (timedOut) {
        const message = `the server did not answer within ${timeoutMs} ms`;
        throw new OutboundFetchError("timeout", message, { cause: error });
      }
      throw (
        failureIn(error) ??
        new OutboundFetchError("network", "the server could not be reached", { cause: error })
      );
    } finally {
      clearTimeout(timer);
      // Whatever was not read is not wanted: release the connection instead of draining it.
      controller.abort();
    }
  }

  return { fetchJson, close: () => agent.close() };
}
