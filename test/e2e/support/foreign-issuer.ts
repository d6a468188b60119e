// node-oidc-provider as its own process on a loopback port (foreign-issuer/server.ts): the
// authorization server of a deployment that protects our MCP server without our auth-server.
import { fileURLToPath } from "node:url";
import { freeLoopbackPort } from "@repo/server-kit/free-port";
import { type ServerProcess, startServerProcess, waitFor } from "@repo/server-kit/server-process";

const FOREIGN_ISSUER_ROOT = fileURLToPath(new URL("../foreign-issuer/", import.meta.url));

export interface ForeignIssuer {
  /** `http://127.0.0.1:<port>`, what its metadata calls itself. */
  issuer: string;
  /** Its JWKS, at node-oidc-provider's own path (not ours). */
  jwksUrl: string;
  process: ServerProcess;
  close(): Promise<void>;
}

export async function startForeignIssuer(options: {
  /** The MCP server's canonical URL: the only resource, so the `aud` of every token. */
  resource: string;
  scopes: readonly string[];
  machineClient: { id: string; secret: string };
}): Promise<ForeignIssuer> {
  const port = await freeLoopbackPort();
  const issuer = `http://127.0.0.1:${port}`;
  const server = startServerProcess(
    FOREIGN_ISSUER_ROOT,
    {
      PORT: String(port),
      MCP_RESOURCE: options.resource,
      MCP_SCOPES: options.scopes.join(" "),
      MACHINE_CLIENT_ID: options.machineClient.id,
      MACHINE_CLIENT_SECRET: options.machineClient.secret,
    },
    "server.ts",
  );
  await waitFor(
    () => server.output().includes(`issuer ${issuer}`) || server.child.exitCode !== null,
    "node-oidc-provider's ready line",
  );
  if (server.child.exitCode !== null) {
    throw new Error(`node-oidc-provider exited with ${server.child.exitCode}:\n${server.output()}`);
  }
  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    process: server,
    async close() {
      if (server.child.exitCode !== null) return;
      server.child.kill("SIGTERM");
      await server.exited;
    },
  };
}
