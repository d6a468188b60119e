// Process entry point: `npm start` / `npm run dev` in apps/auth-server.
import { ListenError, listen } from "@repo/server-kit/listen";
import { ConfigError, describeDatabase, loadConfig } from "./config";
import { KeyDecryptionError } from "./keys/key-encryption";
import { createAuthServer, StartupCheckError } from "./server";

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const instance = await createAuthServer(config, { logRequests: config.logRequests });
  const { server } = await listen(instance.app, config.host, config.port);
  console.log(
    `auth-server: issuer ${config.issuer} (listening on ${config.host}:${config.port}, ${config.mode} mode, database ${describeDatabase(config)})`,
  );

  const shutdown = (signal: string) => {
    console.log(`auth-server: ${signal} received, shutting down`);
    server.close(() => {
      void instance.close().finally(() => process.exit(0));
    });
    // Keep-alive connections would otherwise hold the process open.
    if ("closeAllConnections" in server) server.closeAllConnections();
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  if (
    error instanceof ConfigError ||
    error instanceof ListenError ||
    error instanceof StartupCheckError ||
    error instanceof KeyDecryptionError
  ) {
    console.error(`auth-server: refusing to start.\n${error.message}`);
  } else {
    console.error("auth-server: failed to start", error);
  }
  process.exit(1);
});
