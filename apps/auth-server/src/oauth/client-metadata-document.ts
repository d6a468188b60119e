// OAuth Client ID Metadata Document, draft-ietf-oauth-client-id-metadata-document-00 (the revision MCP
// 2025-11-25 cites): §3 the client identifier URL, §4.1 the document, §4.3 and §4.4 failures and caching.
import { isLoopbackUrl } from "@repo/server-kit";
import { z } from "zod";
import { type AuthServerConfig, reachableDeployment } from "../config";
import type { ApplicationType } from "../db/schema";
import { OAuthError } from "../http/oauth-error";
import {
  createOutboundFetcher,
  OutboundFetchError,
  type ResolveHostname,
} from "../security/outbound-fetch";
import { PRIVATE_JWK_MEMBERS } from "./client-keys";
import { ClientRegistrationRequest, decideRegistration } from "./client-metadata";

export const MAX_CLIENT_ID_URL_LENGTH = 2000;

/** Bounds on how long a fetched document is reused (the draft lets the server set its own). */
export const CACHE_LIFETIME_SECONDS = {
  /** For a document served without freshness information. */
  default: 300,
  /** A shorter positive lifetime is raised to this: fewer fetches, a smaller timing side channel. */
  min: 60,
  /** A longer one is cut to this, so a changed or withdrawn document takes effect within a day. */
  max: 86_400,
} as const;

export const DEFAULT_MAX_CACHED_DOCUMENTS = 1000;

export type ClientMetadataDocumentStage = "client_id_url" | "fetch" | "document";

/**
 * Why a metadata-document client cannot be used. The message names the rule that was broken and never
 * echoes the document, so it can be shown on an error page.
 */
export class ClientMetadataDocumentError extends Error {
  override name = "ClientMetadataDocumentError";

  constructor(
    readonly stage: ClientMetadataDocumentStage,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A `client_id` that names a metadata document rather than a registration here. Identifiers this
 * server issues are random base64url strings without a colon (security/secrets.ts), so the two never
 * collide (later drafts: "Supporting Both Pre-Registered and Unregistered Clients"). `http:` is recognised too,
 * so that it is refused with a reason rather than reported as an unknown client.
 */
export function isClientMetadataDocumentId(clientId: string): boolean {
  return /^https?:/i.test(clientId);
}

function urlProblem(message: string): ClientMetadataDocumentError {
  return new ClientMetadataDocumentError("client_id_url", message);
}

/**
 * Checks a client identifier URL against draft §3 and returns it parsed. The string must also be the
 * URL's canonical serialization: the document's `client_id` has to equal both the identifier and the URL
 * actually fetched, compared as plain strings, and only a canonical identifier makes those the same
 * string (`https://Example.com/c`, `https://example.com:443/c` and `https://example.com/a/../c` would
 * each be fetched from a URL spelled differently from the identifier).
 */
export function validateClientIdUrl(
  clientId: string,
  options: { allowLoopbackHttp: boolean },
): URL {
  if (clientId.length > MAX_CLIENT_ID_URL_LENGTH) {
    throw urlProblem(`the client_id URL is longer than ${MAX_CLIENT_ID_URL_LENGTH} characters`);
  }
  if (!URL.canParse(clientId)) throw urlProblem("the client_id is not a valid URL");
  const url = new URL(clientId);
  const loopbackHttp = options.allowLoopbackHttp && url.protocol === "http:" && isLoopbackUrl(url);
  if (url.protocol !== "https:" && !loopbackHttp) {
    throw urlProblem(
      "the client_id URL must use https (http is accepted only on a loopback host in development mode)",
    );
  }
  if (clientId.includes("#")) throw urlProblem("the client_id URL must not contain a fragment");
  if (url.username || url.password) {
    throw urlProblem("the client_id URL must not contain a user name or password");
  }
  const rawPath = clientId.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, "").split("?")[0] ?? "";
  if (rawPath.split("/").some((segment) => /^(\.|%2e){1,2}$/i.test(segment))) {
    throw urlProblem("the client_id URL must not contain . or .. path segments");
  }
  // The draft requires a path and advises against "/"; MCP clients (and the MCP SDK) use a real path.
  if (rawPath === "" || rawPath === "/") {
    throw urlProblem("the client_id URL must have a path, such as /oauth/client-metadata.json");
  }
  if (url.href !== clientId) {
    throw urlProblem(
      "the client_id URL must be written in canonical form (lowercase scheme and host, no default port, standard percent-encoding)",
    );
  }
  return url;
}

/**
 * The document as draft §4.1 defines it: RFC 7591 client metadata plus `client_id`. Unknown members are
 * ignored, as RFC 7591 §2 requires; the registration request's limits apply member by member.
 */
export const ClientMetadataDocumentSchema = ClientRegistrationRequest.extend({
  client_id: z.string().max(MAX_CLIENT_ID_URL_LENGTH),
  jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())).max(20) }).optional(),
});

/** A validated document, in the shape of this server's client record. */
export interface ClientMetadataDocument {
  clientId: string;
  /** A metadata-document client cannot hold a shared secret: draft §4.1. */
  tokenEndpointAuthMethod: "none";
  applicationType: ApplicationType;
  redirectUris: string[];
  grantTypes: string[];
  responseTypes: string[];
  clientName: string | null;
  clientUri: string | null;
  logoUri: string | null;
  tosUri: string | null;
  policyUri: string | null;
  contacts: string[] | null;
  softwareId: string | null;
  softwareVersion: string | null;
  scope: string | null;
}

const SHARED_SECRET_AUTH_METHODS = [
  "client_secret_basic",
  "client_secret_post",
  "client_secret_jwt",
];

function documentProblem(message: string): ClientMetadataDocumentError {
  return new ClientMetadataDocumentError("document", message);
}

/** Applies draft §4.1 and this server's registration policy to a fetched JSON value. */
export function validateClientMetadataDocument(
  body: unknown,
  clientId: string,
): ClientMetadataDocument {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw documentProblem("the document is not a JSON object");
  }
  const members = body as Record<string, unknown>;
  if (typeof members.client_id !== "string") {
    throw documentProblem("the document has no client_id");
  }
  // Draft §4.1: without this, any document anywhere could claim to be any client.
  if (members.client_id !== clientId) {
    throw documentProblem("the document's client_id does not equal the URL it was fetched from");
  }
  // Draft §4.1: a secret published in a document is no secret.
  for (const member of ["client_secret", "client_secret_expires_at"]) {
    if (member in members) throw documentProblem(`the document must not contain ${member}`);
  }
  if (members.redirect_uris === undefined) {
    throw documentProblem("the document has no redirect_uris");
  }

  const parsed = ClientMetadataDocumentSchema.safeParse(members);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw documentProblem(
      `${issue?.path.join(".") || "document"}: ${issue?.message ?? "is invalid"}`,
    );
  }
  const document = parsed.data;

  const method = document.token_endpoint_auth_method ?? "none";
  if (SHARED_SECRET_AUTH_METHODS.includes(method)) {
    throw documentProblem(
      `token_endpoint_auth_method ${method} needs a shared secret, which a metadata document cannot establish`,
    );
  }
  if (method !== "none") {
    throw documentProblem(
      'token_endpoint_auth_method must be "none": this server accepts metadata-document clients as public clients only',
    );
  }
  const privateKey = document.jwks?.keys.some((key) =>
    PRIVATE_JWK_MEMBERS.some((member) => member in key),
  );
  if (privateKey)
    throw documentProblem("the document's jwks must not contain private key material");

  // Absent means "none" here, not RFC 7591's client_secret_basic default: no secret can exist.
  let decision: ReturnType<typeof decideRegistration>;
  try {
    decision = decideRegistration({ ...document, token_endpoint_auth_method: "none" });
  } catch (error) {
    if (error instanceof OAuthError) throw documentProblem(error.description);
    throw error;
  }

  return {
    clientId,
    tokenEndpointAuthMethod: "none",
    applicationType: decision.applicationType,
    redirectUris: decision.redirectUris,
    grantTypes: decision.grantTypes,
    responseTypes: decision.responseTypes,
    clientName: document.client_name?.trim() || null,
    clientUri: document.client_uri ?? null,
    logoUri: document.logo_uri ?? null,
    tosUri: document.tos_uri ?? null,
    policyUri: document.policy_uri ?? null,
    contacts: document.contacts ?? null,
    softwareId: document.software_id ?? null,
    softwareVersion: document.software_version ?? null,
    scope: decision.scope ?? null,
  };
}

/** `Cache-Control` directives, names lowercased, values unquoted (RFC 9111 §5.2). */
function cacheDirectives(value: string | null): Map<string, string | undefined> {
  const directives = new Map<string, string | undefined>();
  for (const part of value?.split(",") ?? []) {
    const [name, ...rest] = part.split("=");
    const key = name?.trim().toLowerCase();
    if (!key) continue;
    const argument =
      rest.length > 0
        ? rest
            .join("=")
            .trim()
            .replace(/^"(.*)"$/, "$1")
        : undefined;
    if (!directives.has(key)) directives.set(key, argument);
  }
  return directives;
}

const DELTA_SECONDS = /^\d+$/;

/**
 * How many seconds a fetched document may be reused, from its response headers (RFC 9111 §4.2.1), or 0
 * when it must not be. This server is the only user of its cache, so it is a private cache: `private`
 * does not prevent storing and `s-maxage` does not apply. Freshness information that cannot be parsed
 * counts as stale (RFC 9111 §4.2.1, §5.3).
 */
export function cacheLifetimeSeconds(
  headers: { get(name: string): string | null },
  now: Date,
): number {
  const directives = cacheDirectives(headers.get("cache-control"));
  if (directives.has("no-store") || directives.has("no-cache")) return 0;

  let lifetime: number;
  const maxAge = directives.get("max-age");
  const expires = headers.get("expires");
  if (directives.has("max-age")) {
    if (maxAge === undefined || !DELTA_SECONDS.test(maxAge)) return 0;
    lifetime = Number(maxAge);
  } else if (expires !== null) {
    const expiresAt = Date.parse(expires);
    if (Number.isNaN(expiresAt)) return 0;
    const date = Date.parse(headers.get("date") ?? "");
    lifetime = Math.floor((expiresAt - (Number.isNaN(date) ? now.getTime() : date)) / 1000);
  } else {
    return CACHE_LIFETIME_SECONDS.default;
  }
  // RFC 9111 §4.2.3: time already spent in caches on the way here counts against the lifetime.
  const age = headers.get("age");
  if (age !== null && DELTA_SECONDS.test(age.trim())) lifetime -= Number(age.trim());

  if (lifetime <= 0) return 0;
  return Math.min(Math.max(lifetime, CACHE_LIFETIME_SECONDS.min), CACHE_LIFETIME_SECONDS.max);
}

/**
 * Draft §6.5 forbids fetching from special-use addresses. The one exception is a developer's own
 * computer: not production, and every public URL on loopback. A development server reachable from a
 * network (NODE_ENV=development with a public ISSUER) would otherwise probe that network's private
 * addresses for whoever writes an authorization link, so it gets the production rule.
 */
export function allowsPrivateNetworkFetches(
  config: Pick<AuthServerConfig, "mode" | "issuer" | "mcpResource" | "webUrl">,
): boolean {
  return reachableDeployment(config) === undefined;
}

export interface ClientMetadataDocumentResolverOptions {
  /**
   * Local development only (allowsPrivateNetworkFetches): fetch from loopback and private addresses,
   * and accept http client_id URLs on a loopback host.
   */
  allowPrivateNetwork: boolean;
  clock: () => Date;
  fetchTimeoutMs?: number;
  maxBytes?: number;
  maxCachedDocuments?: number;
  /** Replaces DNS, for tests. */
  resolveHostname?: ResolveHostname;
}

export interface ClientMetadataDocumentResolver {
  /** The validated document for a client_id URL, from the cache or fetched; throws ClientMetadataDocumentError. */
  resolve(clientId: string): Promise<ClientMetadataDocument>;
  close(): Promise<void>;
}

interface CachedDocument {
  document: ClientMetadataDocument;
  expiresAt: number;
}

export function createClientMetadataDocumentResolver(
  options: ClientMetadataDocumentResolverOptions,
): ClientMetadataDocumentResolver {
  const fetcher = createOutboundFetcher({
    allowPrivateNetwork: options.allowPrivateNetwork,
    timeoutMs: options.fetchTimeoutMs,
    maxBytes: options.maxBytes,
    resolveHostname: options.resolveHostname,
  });
  const maxEntries = options.maxCachedDocuments ?? DEFAULT_MAX_CACHED_DOCUMENTS;
  // A Map iterates in insertion order; re-inserting on each hit makes the first key the least recently used.
  const cache = new Map<string, CachedDocument>();
  const inFlight = new Map<string, Promise<ClientMetadataDocument>>();

  async function fetchDocument(clientId: string, url: URL): Promise<ClientMetadataDocument> {
    let response: Awaited<ReturnType<typeof fetcher.fetchJson>>;
    try {
      response = await fetcher.fetchJson(url);
    } catch (error) {
      if (error instanceof OutboundFetchError) {
        throw new ClientMetadataDocumentError("fetch", error.message, { cause: error });
      }
      throw error;
    }
    // Draft §4.4: errors and invalid documents are never cached, so nothing is stored before this passes.
    const document = validateClientMetadataDocument(response.body, clientId);
    const now = options.clock();
    const lifetime = cacheLifetimeSeconds(response.headers, now);
    if (lifetime > 0) {
      cache.delete(clientId);
      cache.set(clientId, { document, expiresAt: now.getTime() + lifetime * 1000 });
      for (const oldest of cache.keys()) {
        if (cache.size <= maxEntries) break;
        cache.delete(oldest);
      }
    }
    return document;
  }

  function resolve(clientId: string): Promise<ClientMetadataDocument> {
    let url: URL;
    try {
      url = validateClientIdUrl(clientId, { allowLoopbackHttp: options.allowPrivateNetwork });
    } catch (error) {
      return Promise.reject(error);
    }
    const cached = cache.get(clientId);
    if (cached && cached.expiresAt > options.clock().getTime()) {
      cache.delete(clientId);
      cache.set(clientId, cached);
      return Promise.resolve(cached.document);
    }
    if (cached) cache.delete(clientId);
    // Concurrent authorization requests for one client share one fetch instead of each making their own.
    let pending = inFlight.get(clientId);
    if (!pending) {
      pending = fetchDocument(clientId, url).finally(() => inFlight.delete(clientId));
      inFlight.set(clientId, pending);
    }
    return pending;
  }

  return { resolve, close: () => fetcher.close() };
}
