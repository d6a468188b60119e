// /internal/account: the apps connected to a signed-in person's account, revoking one, and ending
// every web session of the person (docs/internal-api.md "Connected apps", "Sign out everywhere").
import {
  type ConnectedApp,
  type ConnectedAppsResponse,
  RevokeConnectedAppRequest,
  type RevokeConnectedAppResponse,
  SignOutEverywhereRequest,
  type SignOutEverywhereResponse,
} from "@repo/contracts/internal-api";
import { describeScopes } from "@repo/scopes";
import { Hono } from "hono";
import type { AuthServer } from "../server-context";
import { recordAuditEvent } from "../store/audit";
import { findClient } from "../store/clients";
import { findConsents } from "../store/consents";
import { findLiveGrants, lastGrantUseByClient } from "../store/grants";
import { raiseSessionEpoch } from "../store/users";
import { type ActingUserVariables, requireActingUser } from "./acting-user";
import { clientDisplay } from "./interactions";
import { parseJsonBody } from "./internal-error";
import { isoTime } from "./pagination";
import { forgetConsents, revokeAccess } from "./revocation";

/** What one person's consents and grants add up to for one client, before it is shown. */
interface Connection {
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

  routes.get("/apps", async (c) => {
    const user = c.get("actingUser");
    const apps = new Map<string, Connection>();
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
    for (const consent of await server.store.run((x) => findConsents(x, { userId: user.id }))) {
      const app = appFor(consent.clientId, consent.createdAt);
      app.resources.add(consent.resource);
      for (const scope of consent.scopes) app.scopes.add(scope);
    }
    for (const grant of await server.store.run((x) => findLiveGrants(x, { userId: user.id }))) {
      const app = appFor(grant.clientId, grant.createdAt);
      app.resources.add(grant.resource);
      for (const scope of grant.scopes) app.scopes.add(scope);
      app.activeGrants += 1;
    }
    for (const [clientId, lastUsedAt] of await server.store.run((x) =>
      lastGrantUseByClient(x, user.id),
    )) {
      const app = apps.get(clientId);
      if (app) app.lastUsedAt = lastUsedAt;
    }
    const sorted = [...apps.values()].sort(
      (a, b) =>
        (b.lastUsedAt ?? b.connectedAt).getTime() - (a.lastUsedAt ?? a.connectedAt).getTime(),
    );
    const clients = await server.store.run(async (x) => {
      const found = new Map<string, Awaited<ReturnType<typeof findClient>>>();
      for (const app of sorted) found.set(app.clientId, await findClient(x, app.clientId));
      return found;
    });
    const items = sorted.flatMap((app): ConnectedApp[] => {
      const client = clients.get(app.clientId);
      if (!client) return [];
      return [
        {
          client: clientDisplay(client),
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
    return c.json({ items } satisfies ConnectedAppsResponse);
  });

  routes.post("/apps/revoke", async (c) => {
    const user = c.get("actingUser");
    const { clientId } = await parseJsonBody(c, RevokeConnectedAppRequest);
    const now = server.clock();
    // One transaction: the consent and every refresh-token family end together, or nothing changes.
    const outcome = await server.store.transaction(
      async (tx) =>
        await revokeAccess(
          tx,
          { userId: user.id, clientId },
          { reason: "revoked by the user", actorUserId: user.id, removeConsents: true, now },
        ),
    );
    c.header("Cache-Control", "no-store");
    return c.json({ clientId, ...outcome } satisfies RevokeConnectedAppResponse);
  });

  // The person asked to end their *sessions*: every web session (the asking one included, so the
  // answer carries no new epoch to go on with) and the remembered consents a stolen session could
  // have used to approve without a click. Their apps' grants stay: ending those is the Disconnect
  // button beside each app, and an app used every day should not stop working because its owner
  // signed out of a borrowed computer.
  routes.post("/sign-out-everywhere", async (c) => {
    const user = c.get("actingUser");
    await parseJsonBody(c, SignOutEverywhereRequest);
    const now = server.clock();
    const outcome = await server.store.transaction(async (tx) => {
      const removedConsents = await forgetConsents(
        tx,
        { userId: user.id },
        { reason: "signed out everywhere", actorUserId: user.id, now },
      );
      const raised = await raiseSessionEpoch(tx, user.id);
      await recordAuditEvent(
        tx,
        {
          event: "user.signed_out_everywhere",
          outcome: "success",
          subject: user.id,
          actorUserId: user.id,
          details: { removedConsents, sessionEpoch: raised?.sessionEpoch },
        },
        now,
      );
      return { removedConsents };
    });
    c.header("Cache-Control", "no-store");
    return c.json(outcome satisfies SignOutEverywhereResponse);
  });

  return routes;
}
