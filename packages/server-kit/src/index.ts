// @repo/server-kit: the servers' shared settings rules and loopback hosts (pure; zod only).
// `@repo/server-kit/listen` binds a Hono app to a port; `@repo/server-kit/sqlite` opens a SQLite file.

export {
  booleanFlag,
  ConfigError,
  canonicalUrl,
  parseEnvironment,
} from "./environment";
export { isLoopbackUrl } from "./loopback";
