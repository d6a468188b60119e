// Several MCP server replicas behind one resource URL, each on its own loopback port, with a real
// auth-server issuing their tokens: what a load balancer in front of a PostgreSQL-backed cluster sees.
import { startTestAuthServer, type TestAuthServer } from "@repo/auth-server/test-server";
import { listenOnLoopback } from "@repo/server-kit/testing/test-server";
import { issueAccessToken } from "@repo/tokens";
import { loadConfig } from "../../src/config";
import { createMcpResourceServer, type McpResourceServerInstance } from "../../src/server";

export interface Replica {
  /** Where this replica listens: `http://127.0.0.1:<port>/mcp`. */
  url: string;
  instance: McpResourceServerInstance;
  serverErrors: unknown[];
}

export interface Replicas {
  /** The one canonical MCP URL every replica serves: the audience of every token. */
  resource: string;
  auth: TestAuthServer;
  replicas: Replica[];
  /** A token for a signed-in person, as the authorization code grant would issue it. */
  userToken(subject: string, scopes: readonly string[]): Promise<string>;
  close(): Promise<void>;
}

/**
 * Binds `count` loopback ports, then builds all replicas at the same moment (migrations included)
 * against `environment`'s database. The first port names the resource; the others serve it too.
 */
export async function startReplicas(
  count: number,
  environment: Record<string, string>,
): Promise<Replicas> {
  const listeners = await Promise.all(Array.from({ length: count }, () => listenOnLoopback()));
  const closeListeners = () => Promise.all(listeners.map((listener) => listener.close()));
  const origins = listeners.map(({ origin }) => origin);
  const resource = `${origins[0]}/mcp`;
  let auth: TestAuthServer | undefined;
  const started: McpResourceServerInstance[] = [];
  try {
    auth = await startTestAuthServer({ MCP_RESOURCE: resource });
    const issuer = auth.issuer;
    const jwksUrl = auth.url("/.well-known/jwks.json");
    const replicas = await Promise.all(
      origins.map(async (origin, index): Promise<Replica> => {
        const serverErrors: unknown[] = [];
        const config = loadConfig({
          NODE_ENV: "test",
          MCP_RESOURCE: resource,
          ISSUER: issuer,
          JWKS_URL: jwksUrl,
          LOG_REQUESTS: "false",
          TOOL_RATE_LIMIT: "1000000",
          ...environment,
        });
        const instance = await createMcpResourceServer(config, {
          reportError: (error) => serverErrors.push(error),
        });
        started.push(instance);
        listeners[index]?.attach(instance.app);
        return { url: `${origin}/mcp`, instance, serverErrors };
      }),
    );
    const signingAuth = auth;
    return {
      resource,
      auth,
      replicas,
      userToken: async (subject, scopes) =>
        (
          await issueAccessToken({
            signingKey: signingAuth.instance.server.keys.signingKey(),
            issuer,
            audience: resource,
            subject,
            clientId: "test-web-client",
            scopes,
            lifetimeSeconds: 600,
          })
        ).accessToken,
      close: async () => {
        await closeListeners();
        await Promise.all(replicas.map((replica) => replica.instance.close()));
        await signingAuth.close();
      },
    };
  } catch (error) {
    await closeListeners();
    await Promise.all(started.map((instance) => instance.close()));
    await auth?.close();
    throw error;
  }
}
