// @repo/server-kit: the servers' shared settings rules and loopback hosts (pure; zod only).
// `@repo/server-kit/listen` binds a Hono app to a port; `@repo/server-kit/sqlite` opens a SQLite file;
// `@repo/server-kit/free-port` finds a port for a child process; logger, request-id, request-log and
// metrics are the observability plumbing (docs/observability.md).

export {
  booleanFlag,
  ConfigError,
  canonicalUrl,
  LOG_LEVELS,
  type LogLevel,
  OBSERVABILITY_ENVIRONMENT,
  type ObservabilitySettings,
  observabilitySettings,
  parseEnvironment,
} from "./environment";
export { isLoopbackUrl } from "./loopback";
