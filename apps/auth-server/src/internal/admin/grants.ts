// /internal/admin/grants and /internal/admin/consents (scope admin:grants): what people have given
// apps, and revoking one refresh-token family or all of a user's or a client's (docs/internal-api.md
// "Grants and tokens").
import {
  type Consent,
  type ConsentPage,
  type Grant,
  type GrantPage,
  ListConsentsQuery,
  ListGrantsQuery,
  type Revocation,
  RevokeAllRequest,
  type RevokedGrantResponse,
} from "@repo/contracts/admin-api";
import { Hono } from "hono";
import type { AuthServer } from "../../server-context";
import { type ConsentListing, listConsents } from "../../store/consents";
import { findGrant, type GrantListing, listGrants } from "../../store/grants";
import type { ActingUserVariables } from "../acting-user";
import { InternalApiError, parseJsonBody, parseQuery } from "../internal-error";
import { isoTime, page } from "../pagination";
import { revokeAccess } from "../revocation";

function clientView(row: {
  clientId: string;
  clientName: string | null;
  registrationType: string;
}): Grant["client"] {
  return {
    clientId: row.clientId,
    name: row.clientName ?? row.clientId,
    registrationType: row.registrationType,
  };
}

function grantView(grant: GrantListing): Grant {
  return {
    id: grant.id,
    user: { id: grant.userId, email: grant.userEmail },
    client: clientView(grant),
    resource: grant.resource,
    scopes: grant.scopes,
    createdAt: isoTime(grant.createdAt),
    lastUsedAt: isoTime(grant.lastUsedAt),
    refreshTokenExpiresAt: isoTime(grant.refreshTokenExpiresAt),
    revokedAt: isoTime(grant.revokedAt),
    revokedReason: grant.revokedReason,
  };
}

function consentView(consent: ConsentListing): Consent {
  return {
    user: { id: consent.userId, email: consent.userEmail },
    client: clientView(consent),
    resource: consent.resource,
    scopes: consent.scopes,
    createdAt: isoTime(consent.createdAt),
    updatedAt: isoTime(consent.updatedAt),
  };
}

export function adminGrantRoutes(server: AuthServer): Hono<{ Variables: ActingUserVariables }> {
  const routes = new Hono<{ Variables: ActingUserVariables }>();

  routes.get("/grants", async (c) => {
    const query = parseQuery(c, ListGrantsQuery);
    const { items, total } = await server.store.run((x) =>
      listGrants(x, {
        userId: query.user,
        clientId: query.client,
        status: query.status,
        limit: query.limit,
        offset: query.offset,
        now: server.clock(),
      }),
    );
    return c.json(page(items.map(grantView), total, query) satisfies GrantPage);
  });

  routes.get("/consents", async (c) => {
    const query = parseQuery(c, ListConsentsQuery);
    const { items, total } = await server.store.run((x) =>
      listConsents(x, {
        userId: query.user,
        clientId: query.client,
        limit: query.limit,
        offset: query.offset,
      }),
    );
    return c.json(page(items.map(consentView), total, query) satisfies ConsentPage);
  });

  // Registered before "/grants/:grantId/revoke" reads "revoke" as nothing else.
  routes.post("/grants/revoke", async (c) => {
    const actor = c.get("actingUser");
    const request = await parseJsonBody(c, RevokeAllRequest);
    const now = server.clock();
    const outcome = await server.store.transaction(
      async (tx) =>
        await revokeAccess(
          tx,
          { userId: request.userId, clientId: request.clientId },
          {
            reason: "revoked by an administrator",
            actorUserId: actor.id,
            removeConsents: true,
            now,
          },
        ),
    );
    return c.json(outcome satisfies Revocation);
  });

  routes.post("/grants/:grantId/revoke", async (c) => {
    const actor = c.get("actingUser");
    const grantId = c.req.param("grantId");
    const grant =
      grantId.length <= 100 ? await server.store.run((x) => findGrant(x, grantId)) : undefined;
    if (!grant) throw new InternalApiError("not_found", "no such grant", 404);
    const now = server.clock();
    const { revokedGrants } = await server.store.transaction(
      async (tx) =>
        await revokeAccess(
          tx,
          { userId: grant.userId, clientId: grant.clientId, grantId: grant.id },
          {
            reason: "revoked by an administrator",
            actorUserId: actor.id,
            removeConsents: false,
            now,
          },
        ),
    );
    return c.json({
      grantId: grant.id,
      revoked: revokedGrants === 1,
    } satisfies RevokedGrantResponse);
  });

  return routes;
}
