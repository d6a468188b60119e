// The auth-server as a library, for other workspaces' tests that need a real one on loopback.
export { listen } from "@repo/server-kit/listen";
export {
  AUTH_SERVER_ENVIRONMENT_KEYS,
  type AuthServerConfig,
  ConfigError,
  loadConfig,
} from "./config";
export { type AuthServerInstance, createAuthServer } from "./server";
