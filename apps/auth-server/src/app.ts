// The authorization server's HTTP surface: one route per protocol step, each in its own module.
import { LimitUnavailableError } from "@repo/server-kit/limits-redis";
import type { Logger } from "@repo/server-kit/logger";
import { readRequestBody } from "@repo/server-kit/request-body";
import { requestIdentity } from "@repo/server-kit/request-id";
import { observeRequests } from "@repo/server-kit/request-log";
import { isDatabaseUnavailable } from "@repo/server-kit/store";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { methodNotAllowed } from "hono/method-not-allowed";
import { secureHeaders } from "hono/secure-headers";
import { authorizationErrorPage } from "./http/error-page";
import { OAuthError } from "./http/oauth-error";
import { authorizationRateLimit, registrationRateLimit } from "./http/rate-limit";
import {
  INTERNAL_API_PATH,
  internalApi,
  internalResourceMetadata,
  internalResourceMetadataPath,
} from "./internal/internal-api";
import { InternalApiError } from "./internal/internal-error";
import { authorizeRoute } from "./oauth/authorize";
import { introspectRoute } from "./oauth/introspect";
import { JWKS_PATH, jwksRoute, METADATA_PATH, metadataRoute } from "./oauth/metadata";
import { registerRoute } from "./oauth/register";
import { revokeRoute } from "./oauth/revoke";
import { tokenRoute } from "./oauth/token";
import {
  describeAuthorize,
  describeHealth,
  describeIntrospect,
  describeJwks,
  describeMetadata,
  describeOpenApi,
  describeRegister,
  describeRevoke,
  describeToken,
  OPENAPI_PATH,
  openApiDocument,
} from "./openapi";
import type { AuthServer } from "./server-context";

const FORM_BODY_LIMIT = 16 * 1024;
const REGISTRATION_BODY_LIMIT = 64 * 1024;

function bodyTooLarge(maxSize: number): OAuthError {
  return new OAuthError("invalid_request", `the request body is larger than ${maxSize} bytes`, {
    status: 413,
  });
}

/** A route's own, smaller limit; the body is already in memory (readRequestBody below). */
function limitBody(maxSize: number) {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw bodyTooLarge(maxSize);
    },
  });
}

export interface CreateAppOptions {
  /** Writes one line per request to `logger`; off in tests. */
  logRequests?: boolean;
  /** Where request lines go (main.ts's pino logger). */
  logger?: Logger;
  /** Where unexpected errors are reported (never to the client). */
  reportError?: (error: unknown) => void;
  /** Where operational warnings go (the database is unreachable); console.warn by default. */
  logWarning?: (line: string) => void;
}

/** Seconds a client is asked to wait when the database cannot be reached (RFC 9110 §10.2.3). */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

export function createApp(server: AuthServer, options: CreateAppOptions = {}): Hono {
  const app = new Hono();
  const reportError = options.reportError ?? ((error) => console.error(error));
  const logWarning = options.logWarning ?? ((line) => console.warn(line));

  // First, so every line and audit row of the request carries its id (docs/observability.md).
  app.use(requestIdentity());
  app.use(
    observeRequests({
      logger: options.logger,
      logRequests: options.logRequests,
      metrics: server.metrics,
      clientAddress: server.clientAddress,
    }),
  );
  // Before anything that can answer early (405, 413, 429, 400 on a header): an answer sent with
  // the body unread used to leave the connection unusable for the request the client sent next.
  app.use(
    readRequestBody({
      maxBytes: REGISTRATION_BODY_LIMIT,
      onTooLarge: (c, maxBytes) => bodyTooLarge(maxBytes).toResponse(c),
    }),
  );
  app.use(secureHeaders({ crossOriginResourcePolicy: "cross-origin" }));
  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) =>
        new OAuthError("method_not_allowed", `use ${methods.join(" or ")}`, {
          headers: { Allow: methods.join(", ") },
        }).toResponse(c),
    }),
  );

  // Browser-based MCP clients (e.g. MCP Inspector) discover and register from another origin.
  // No credentials are involved (no cookies here), so a wildcard origin is safe.
  const publicCors = cors({
    origin: "*",
    allowMethods: ["GET", "POST"],
    allowHeaders: ["Authorization", "Content-Type", "MCP-Protocol-Version"],
    maxAge: 600,
  });
  for (const path of ["/.well-known/*", "/register", "/token", "/revoke", OPENAPI_PATH]) {
    app.use(path, publicCors);
  }

  app.get("/health", describeHealth, async (c) => {
    // Touches the database, so a broken data volume or an unreachable PostgreSQL shows up in health
    // checks, not in token requests.
    await server.store.ping();
    return c.json({ status: "ok" });
  });

  app.get(METADATA_PATH, describeMetadata, metadataRoute(server));
  app.get(JWKS_PATH, describeJwks, jwksRoute(server));
  app.get(internalResourceMetadataPath(), (c) => c.json(internalResourceMetadata(server)));

  // OAuth 2.1 §4.1.1: GET must be supported; this server takes only GET, so the parameters are
  // never in a body that a cross-site form could post.
  app.get(
    "/authorize",
    describeAuthorize,
    authorizationRateLimit(server, (c, retryAfter) =>
      authorizationErrorPage(
        c,
        429,
        "Too many sign-in requests",
        `This address has started too many sign-ins in the last minute. Try again in ${retryAfter} seconds.`,
      ),
    ),
    authorizeRoute(server),
  );

  app.post(
    "/register",
    describeRegister,
    registrationRateLimit(server),
    limitBody(REGISTRATION_BODY_LIMIT),
    registerRoute(server),
  );
  app.post("/token", describeToken, limitBody(FORM_BODY_LIMIT), tokenRoute(server));
  app.post("/revoke", describeRevoke, limitBody(FORM_BODY_LIMIT), revokeRoute(server));
  app.post("/introspect", describeIntrospect, limitBody(FORM_BODY_LIMIT), introspectRoute(server));

  // Generated once, from the routes above, on first request: the same on every replica.
  let document: Promise<unknown> | undefined;
  app.get(OPENAPI_PATH, describeOpenApi, async (c) => {
    document ??= openApiDocument(app, server.config.issuer);
    c.header("Cache-Control", "public, max-age=300");
    return c.json(await document);
  });

  app.use(`${INTERNAL_API_PATH}/*`, limitBody(FORM_BODY_LIMIT));
  app.route(INTERNAL_API_PATH, internalApi(server));

  app.notFound((c) => new OAuthError("not_found", "no such endpoint").toResponse(c));

  app.onError((error, c) => {
    if (error instanceof OAuthError) return error.toResponse(c);
    if (error instanceof InternalApiError) return error.toResponse(c);
    // A limit whose store (Redis) does not answer: refused, never let through unlimited.
    if (error instanceof LimitUnavailableError) {
      return new OAuthError(
        "temporarily_unavailable",
        "the server cannot check its rate limits right now; try again later",
        { headers: { "Retry-After": String(error.retryAfter) } },
      ).toResponse(c);
    }
    if (isDatabaseUnavailable(error)) {
      // PostgreSQL is down, restarting or out of connections: the request may well succeed in a
      // moment, so the client is told to retry (temporarily_unavailable, RFC 6749 §5.2 and §4.1.2.1),
      // and the operator gets one line, not a stack trace.
      logWarning(
        `auth-server: database unavailable, answered 503 to ${c.req.method} ${c.req.path}: ${describeError(error)}`,
      );
      return new OAuthError(
        "temporarily_unavailable",
        "the server's database is unavailable; try again shortly",
        { status: 503, headers: { "Retry-After": String(DATABASE_RETRY_AFTER_SECONDS) } },
      ).toResponse(c);
    }
    if (error instanceof HTTPException && error.status < 500) {
      return new OAuthError("invalid_request", error.message || "bad request", {
        status: error.status as 400,
      }).toResponse(c);
    }
    // Never a stack trace or internal detail to the client.
    reportError(error);
    return new OAuthError("server_error", "the server could not complete the request").toResponse(
      c,
    );
  });

  return app;
}

/** The driver's code and message (drizzle wraps them in a query error whose message is the SQL). */
function describeError(error: unknown): string {
  let current = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    if (!(current.cause instanceof Error)) break;
    current = current.cause;
  }
  if (!(current instanceof Error)) return String(current);
  const code = "code" in current && typeof current.code === "string" ? `${current.code} ` : "";
  return `${code}${current.message}`;
}
