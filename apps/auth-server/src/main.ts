// Process entry point: `npm start` / `npm run dev` in apps/auth-server (@repo/server-kit/main).
import { runServer } from "@repo/server-kit/main";
import { loadConfig } from "./config";
import { KeyDecryptionError } from "./keys/key-encryption";
import { createAuthServer } from "./server";

runServer({
  name: "auth-server",
  loadConfig,
  start: createAuthServer,
  announce: (config) => ({ serves: `issuer ${config.issuer}`, fields: { issuer: config.issuer } }),
  // A KEY_ENCRYPTION_SECRET that does not open the stored signing keys: the operator's to fix.
  refusals: [KeyDecryptionError],
});
