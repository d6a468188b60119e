// /internal/account: the apps connected to a signed-in person's account, and revoking one
// (docs/internal-api.md "Connected apps").
import { describeScopes } from "@repo/scopes";
import { Hono } from "hono";
import { z } from "zod";
import type { AuthServer } from "../server-context";
import { findClient } from "../store/clients";
import { findConsents } from "../store/consents";
import { findLiveGrants, lastGrantUseByClient } from "../store/grants";
import { type ActingUserVariables, requireActingUser } from "./acting-user";
import { parseJsonBody } from "./internal-error";
import { isoTime } from "./pagination";
import { revokeAccess } from "./revocation";

export const RevokeConnectedAppRequest = z.strictObject({
  clientId: z.string().min(1).max(2048),
});

interface ConnectedApp {
  clientId: string;
  resources: Set<string>;
  scopes: Set<string>;
  connectedAt: Date;
  lastUsedAt: Date | null;
  activeGrants: number;
}

export function accountRoutes(server: AuthServer): Hono<{ Variables: ActingUserVariables }> {
  const routes = new Hono<{ Variables: ActingUserVariables }>();
  routes.use(requireActingUser(server, { requireAdmin: false }));

  routes.get("/apps", (c) => {
    const user = c.get("actingUser");
    const apps = new Map<string, ConnectedApp>();
    const appFor = (clientId: string, since: Date) => {
      let app = apps.get(clientId);
      if (!app) {
        app = {
          clientId,
          resources: new Set(),
          scopes: new Set(),
          connectedAt: since,
          lastUsedAt: null,
          activeGrants: 0,
        };
        apps.set(clientId, app);
      }
      if (since < app.connectedAt) app.connectedAt = since;
      return app;
    };
    for (const consent of findConsents(server.db, { userId: user.id })) {
      const app = appFor(consent.clientId, consent.createdAt);
      app.resources.add(consent.resource);
      for (const scope of consent.scopes) app.scopes.add(scope);
    }
    for (const grant of findLiveGrants(server.db, { userId: user.id })) {
      const app = appFor(grant.clientId, grant.createdAt);
      app.resources.add(grant.resource);
      for (const scope of grant.scopes) app.scopes.add(scope);
      app.activeGrants += 1;
    }
    for (const [clientId, lastUsedAt] of lastGrantUseByClient(server.db, user.id)) {
      const app = apps.get(clientId);
      if (app) app.lastUsedAt = lastUsedAt;
    }
    const items = [...apps.values()]
      .sort(
        (a, b) =>
          (b.lastUsedAt ?? b.connectedAt).getTime() - (a.lastUsedAt ?? a.connectedAt).getTime(),
      )
      .flatMap((app) => {
        const client = findClient(server.db, app.clientId);
        if (!client) return [];
        return [
          {
            client: {
              clientId: client.clientId,
              name: client.clientName ?? client.clientId,
              uri: client.clientUri,
              logoUri: client.logoUri,
              registrationType: client.registrationType,
              verified: client.registrationType === "pre_registered",
            },
            resources: [...app.resources].map((identifier) => ({
              identifier,
              name:
                server.resources.find((resource) => resource.identifier === identifier)?.name ??
                identifier,
            })),
            scopes: describeScopes([...app.scopes]).map((scope) => ({
              name: scope.name,
              title: scope.title,
              description: scope.description,
              risk: scope.risk,
            })),
            connectedAt: isoTime(app.connectedAt),
            lastUsedAt: isoTime(app.lastUsedAt),
            activeGrants: app.activeGrants,
          },
        ];
      });
    c.header("Cache-Control", "no-store");
    return c.json({ items });
  });

  routes.post("/apps/revoke", async (c) => {
    const user = c.get("actingUser");
    const { clientId } = await parseJsonBody(c, RevokeConnectedAppRequest);
    const now = server.clock();
    // One transaction: the consent and every refresh-token family end together, or nothing changes.
    const outcome = server.db.transaction((tx) =>
      revokeAccess(
        tx,
        { userId: user.id, clientId },
        { reason: "revoked by the user", actorUserId: user.id, removeConsents: true, now },
      ),
    );
    c.header("Cache-Control", "no-store");
    return c.json({ clientId, ...outcome });
  });

  return routes;
}
