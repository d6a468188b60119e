// The authorization server's HTTP surface: one route per protocol step, each in its own module.
import {
  type CreateAppOptions,
  createAppFrame,
  serverErrorHandler,
} from "@repo/server-kit/app-frame";
import { LimitUnavailableError } from "@repo/server-kit/limits-redis";
import { requestBodyLength } from "@repo/server-kit/request-body";
import { DATABASE_RETRY_AFTER_SECONDS, describeDatabaseError } from "@repo/server-kit/store";
import type { Hono, MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { methodNotAllowed } from "hono/method-not-allowed";
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

/**
 * A route's own, smaller limit. The body is already in memory (readRequestBody, in the app frame), so
 * this only compares its size: hono's bodyLimit would open the request's body stream again, which
 * under @hono/node-server means building a whole undici Request per request.
 */
function limitBody(maxSize: number): MiddlewareHandler {
  return async (c, next) => {
    if (requestBodyLength(c) > maxSize) throw bodyTooLarge(maxSize);
    await next();
  };
}

export function createApp(server: AuthServer, options: CreateAppOptions = {}): Hono {
  const reportError = options.reportError ?? ((error) => console.error(error));
  const logWarning = options.logWarning ?? ((line) => console.warn(line));
  const app = createAppFrame({
    ...options,
    metrics: server.metrics,
    clientAddress: server.clientAddress,
    maxBodyBytes: REGISTRATION_BODY_LIMIT,
    onTooLarge: (c, maxBytes) => bodyTooLarge(maxBytes).toResponse(c),
    ping: () => server.store.ping(),
    healthMiddleware: [describeHealth],
  });
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
    // RFC 9449: a browser client sends its proof in DPoP and reads the server's nonce in DPoP-Nonce.
    allowHeaders: ["Authorization", "Content-Type", "MCP-Protocol-Version", "DPoP"],
    exposeHeaders: ["DPoP-Nonce"],
    maxAge: 600,
  });
  for (const path of ["/.well-known/*", "/register", "/token", "/revoke", OPENAPI_PATH]) {
    app.use(path, publicCors);
  }

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
    // A failed generation is not kept: the next request tries again.
    document ??= openApiDocument(app, server.config.issuer).catch((error: unknown) => {
      document = undefined;
      throw error;
    });
    c.header("Cache-Control", "public, max-age=300");
    return c.json(await document);
  });

  app.use(`${INTERNAL_API_PATH}/*`, limitBody(FORM_BODY_LIMIT));
  app.route(INTERNAL_API_PATH, internalApi(server));

  app.notFound((c) => new OAuthError("not_found", "no such endpoint").toResponse(c));

  app.onError(
    serverErrorHandler({
      answers: {
        known: (error, c) => {
          if (error instanceof OAuthError || error instanceof InternalApiError) {
            return error.toResponse(c);
          }
          // A limit whose store (Redis) does not answer: refused, never let through unlimited.
          if (error instanceof LimitUnavailableError) {
            return new OAuthError(
              "temporarily_unavailable",
              "the server cannot check its rate limits right now; try again later",
              { headers: { "Retry-After": String(error.retryAfter) } },
            ).toResponse(c);
          }
          return undefined;
        },
        // PostgreSQL is down, restarting or out of connections: the request may well succeed in a
        // moment, so the client is told to retry (temporarily_unavailable, RFC 6749 §5.2 and
        // §4.1.2.1).
        unavailable: (c) =>
          new OAuthError(
            "temporarily_unavailable",
            "the server's database is unavailable; try again shortly",
            { status: 503, headers: { "Retry-After": String(DATABASE_RETRY_AFTER_SECONDS) } },
          ).toResponse(c),
        badRequest: (c, error) =>
          new OAuthError("invalid_request", error.message || "bad request", {
            status: error.status as 400,
          }).toResponse(c),
        serverError: (c) =>
          new OAuthError("server_error", "the server could not complete the request").toResponse(c),
      },
      reportError,
      onUnavailable: (error, c) =>
        logWarning(
          `auth-server: database unavailable, answered 503 to ${c.req.method} ${c.req.path}: ${describeDatabaseError(error)}`,
        ),
    }),
  );

  return app;
}
