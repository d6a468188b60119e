// /internal/admin/clients (scope admin:clients): list and inspect every OAuth client; create, rotate,
// disable, enable and delete pre-registered machine clients (docs/internal-api.md "Clients").
import {
  type ClientDetail,
  type ClientPage,
  type ClientResponse,
  type ClientSummary,
  CreateClientRequest,
  type CreatedClientResponse,
  type DeletedClientResponse,
  ListClientsQuery,
  type RotatedSecretResponse,
} from "@repo/contracts/admin-api";
import { Hono } from "hono";
import type { RegistrationType } from "../../db/schema";
import { ClientKeysError, checkPublicJwks, validateJwksUri } from "../../oauth/client-keys";
import { allowsPrivateNetworkFetches } from "../../oauth/client-metadata-document";
import { randomIdentifier, randomSecret, secretDigest } from "../../security/secrets";
import { DEMO_BATCH_CLIENT_ID, DEMO_BATCH_JWT_CLIENT_ID, WEB_CLIENT_ID } from "../../seed";
import type { AuthServer } from "../../server-context";
import { lastTokenIssuedAt, recordAuditEvent } from "../../store/audit";
import {
  type ClientRecord,
  deleteClient,
  findClient,
  insertClientIfAbsent,
  isConfidential,
  listClients,
  setClientDisabledAt,
  updateClientSecretDigest,
} from "../../store/clients";
import { findLiveGrants } from "../../store/grants";
import type { ActingUserVariables } from "../acting-user";
import { InternalApiError, parseJsonBody, parseQuery } from "../internal-error";
import { isoTime, page } from "../pagination";
import { revokeAccess } from "../revocation";

/** Clients whose credential (secret or key) comes from the environment: changing it here would be undone at the next start. */
const CONFIGURED_CLIENTS: ReadonlySet<string> = new Set([
  WEB_CLIENT_ID,
  DEMO_BATCH_CLIENT_ID,
  DEMO_BATCH_JWT_CLIENT_ID,
]);

function clientSummary(client: ClientRecord, lastUsedAt: Date | undefined): ClientSummary {
  return {
    clientId: client.clientId,
    name: client.clientName ?? client.clientId,
    registrationType: client.registrationType,
    confidential: isConfidential(client),
    tokenEndpointAuthMethod: client.tokenEndpointAuthMethod,
    grantTypes: client.grantTypes,
    createdAt: isoTime(client.createdAt),
    lastUsedAt: isoTime(lastUsedAt),
    disabledAt: isoTime(client.disabledAt),
    configured: CONFIGURED_CLIENTS.has(client.clientId),
  };
}

async function clientDetail(server: AuthServer, client: ClientRecord): Promise<ClientDetail> {
  return {
    ...clientSummary(
      client,
      (await server.store.run((x) => lastTokenIssuedAt(x, [client.clientId]))).get(client.clientId),
    ),
    applicationType: client.applicationType,
    redirectUris: client.redirectUris,
    responseTypes: client.responseTypes,
    scope: client.scope,
    allowedScopes: client.allowedScopes,
    allowedResources: client.allowedResources,
    introspectionAllowed: client.introspectionAllowed,
    dpopBoundAccessTokens: client.dpopBoundAccessTokens,
    uri: client.clientUri,
    logoUri: client.logoUri,
    tosUri: client.tosUri,
    policyUri: client.policyUri,
    contacts: client.contacts,
    softwareId: client.softwareId,
    softwareVersion: client.softwareVersion,
    jwks: client.jwks,
    jwksUri: client.jwksUri,
    activeGrants: (await server.store.run((x) => findLiveGrants(x, { clientId: client.clientId })))
      .length,
  };
}

async function existingClient(server: AuthServer, clientId: string): Promise<ClientRecord> {
  const client =
    clientId.length <= 2048 ? await server.store.run((x) => findClient(x, clientId)) : undefined;
  if (!client) throw new InternalApiError("not_found", "no such client", 404);
  return client;
}

/**
 * A private_key_jwt client's keys (docs/authorization-server.md "private_key_jwt"): a pasted JWK Set
 * of public signing keys, or a jwks_uri under the rule metadata documents are fetched by.
 */
async function registeredKeys(
  server: AuthServer,
  request: { jwks?: unknown; jwksUri?: string },
): Promise<{ jwks: { keys: Record<string, unknown>[] } | null; jwksUri: string | null }> {
  try {
    if (request.jwks !== undefined)
      return { jwks: await checkPublicJwks(request.jwks), jwksUri: null };
    if (request.jwksUri !== undefined) {
      const allowPrivateNetwork = allowsPrivateNetworkFetches(server.config);
      return {
        jwks: null,
        jwksUri: validateJwksUri(request.jwksUri, { allowPrivateNetwork }).href,
      };
    }
  } catch (error) {
    if (error instanceof ClientKeysError)
      throw new InternalApiError("invalid_request", error.message, 400);
    throw error;
  }
  return { jwks: null, jwksUri: null };
}

function refuseForWebClient(client: ClientRecord, action: string): void {
  if (client.clientId === WEB_CLIENT_ID) {
    throw new InternalApiError(
      "conflict",
      `the web app signs in with this client; ${action} it would lock everyone out`,
      409,
    );
  }
}

export function adminClientRoutes(server: AuthServer): Hono<{ Variables: ActingUserVariables }> {
  const routes = new Hono<{ Variables: ActingUserVariables }>();

  routes.get("/", async (c) => {
    const query = parseQuery(c, ListClientsQuery);
    const { items, total } = await server.store.run((x) =>
      listClients(x, {
        registrationType: query.type as RegistrationType | undefined,
        limit: query.limit,
        offset: query.offset,
      }),
    );
    const lastUsed = await server.store.run((x) =>
      lastTokenIssuedAt(
        x,
        items.map((client) => client.clientId),
      ),
    );
    return c.json(
      page(
        items.map((client) => clientSummary(client, lastUsed.get(client.clientId))),
        total,
        query,
      ) satisfies ClientPage,
    );
  });

  routes.get("/:clientId", async (c) => {
    const client = await existingClient(server, c.req.param("clientId"));
    return c.json({ client: await clientDetail(server, client) } satisfies ClientResponse);
  });

  routes.post("/", async (c) => {
    const actor = c.get("actingUser");
    const request = await parseJsonBody(c, CreateClientRequest);
    const clientId = request.clientId ?? randomIdentifier();
    const keys = await registeredKeys(server, request);
    // A private_key_jwt client proves itself with its own private key; it is given no secret.
    const clientSecret =
      request.tokenEndpointAuthMethod === "private_key_jwt" ? undefined : randomSecret();
    const now = server.clock();
    const client = await server.store.transaction(async (tx) => {
      // One statement (ON CONFLICT DO NOTHING): of two creations with one id, on any replica, the
      // second finds the first's row and is refused.
      const created = await insertClientIfAbsent(tx, {
        clientId,
        registrationType: "pre_registered",
        clientSecretDigest: clientSecret === undefined ? null : secretDigest(clientSecret),
        tokenEndpointAuthMethod: request.tokenEndpointAuthMethod,
        ...keys,
        applicationType: "web",
        redirectUris: [],
        grantTypes: ["client_credentials"],
        responseTypes: [],
        clientName: request.name,
        allowedScopes: [...new Set(request.allowedScopes)],
        allowedResources: [server.config.mcpResource],
        introspectionAllowed: request.introspectionAllowed,
        dpopBoundAccessTokens: request.dpopBoundAccessTokens,
        createdAt: now,
      });
      if (!created) throw new InternalApiError("conflict", "a client with this id exists", 409);
      await recordAuditEvent(
        tx,
        {
          event: "client.created",
          outcome: "success",
          clientId,
          actorUserId: actor.id,
          details: {
            name: request.name,
            tokenEndpointAuthMethod: created.tokenEndpointAuthMethod,
            ...(created.jwksUri === null ? {} : { jwksUri: created.jwksUri }),
            ...(created.jwks === null
              ? {}
              : { keyIds: created.jwks.keys.map((key) => key.kid ?? null) }),
            allowedScopes: created.allowedScopes,
            introspectionAllowed: created.introspectionAllowed,
            dpopBoundAccessTokens: created.dpopBoundAccessTokens,
          },
        },
        now,
      );
      return created;
    });
    c.header("Cache-Control", "no-store");
    // The secret leaves the server here, once; only its digest is kept.
    return c.json(
      {
        client: await clientDetail(server, client),
        ...(clientSecret === undefined ? {} : { clientSecret }),
      } satisfies CreatedClientResponse,
      201,
    );
  });

  routes.post("/:clientId/secret", async (c) => {
    const actor = c.get("actingUser");
    const client = await existingClient(server, c.req.param("clientId"));
    if (!isConfidential(client)) {
      throw new InternalApiError("conflict", "a public client has no secret to rotate", 409);
    }
    if (client.tokenEndpointAuthMethod === "private_key_jwt") {
      throw new InternalApiError(
        "conflict",
        "a private_key_jwt client signs with its own key and has no secret to rotate",
        409,
      );
    }
    if (CONFIGURED_CLIENTS.has(client.clientId)) {
      throw new InternalApiError(
        "conflict",
        "this client's secret comes from the environment; change it there and restart",
        409,
      );
    }
    const clientSecret = randomSecret();
    const now = server.clock();
    await server.store.transaction(async (tx) => {
      await updateClientSecretDigest(tx, client.clientId, secretDigest(clientSecret));
      await recordAuditEvent(
        tx,
        {
          event: "client.secret_rotated",
          outcome: "success",
          clientId: client.clientId,
          actorUserId: actor.id,
        },
        now,
      );
    });
    c.header("Cache-Control", "no-store");
    return c.json({ clientId: client.clientId, clientSecret } satisfies RotatedSecretResponse);
  });

  routes.post("/:clientId/disable", async (c) => {
    const actor = c.get("actingUser");
    const client = await existingClient(server, c.req.param("clientId"));
    refuseForWebClient(client, "disabling");
    const now = server.clock();
    const updated = await server.store.transaction(async (tx) => {
      const outcome = await revokeAccess(
        tx,
        { clientId: client.clientId },
        { reason: "client disabled", actorUserId: actor.id, removeConsents: false, now },
      );
      const disabled =
        client.disabledAt === null ? await setClientDisabledAt(tx, client.clientId, now) : client;
      await recordAuditEvent(
        tx,
        {
          event: "client.disabled",
          outcome: "success",
          clientId: client.clientId,
          actorUserId: actor.id,
          details: { revokedGrants: outcome.revokedGrants },
        },
        now,
      );
      return disabled ?? client;
    });
    return c.json({ client: await clientDetail(server, updated) } satisfies ClientResponse);
  });

  routes.post("/:clientId/enable", async (c) => {
    const actor = c.get("actingUser");
    const client = await existingClient(server, c.req.param("clientId"));
    const now = server.clock();
    const updated = await server.store.transaction(async (tx) => {
      const enabled = await setClientDisabledAt(tx, client.clientId, null);
      await recordAuditEvent(
        tx,
        {
          event: "client.enabled",
          outcome: "success",
          clientId: client.clientId,
          actorUserId: actor.id,
        },
        now,
      );
      return enabled ?? client;
    });
    return c.json({ client: await clientDetail(server, updated) } satisfies ClientResponse);
  });

  routes.delete("/:clientId", async (c) => {
    const actor = c.get("actingUser");
    const client = await existingClient(server, c.req.param("clientId"));
    refuseForWebClient(client, "deleting");
    const now = server.clock();
    const outcome = await server.store.transaction(async (tx) => {
      // Deny-list the access tokens first: deleting the client deletes the grants that name them.
      const revoked = await revokeAccess(
        tx,
        { clientId: client.clientId },
        { reason: "client deleted", actorUserId: actor.id, removeConsents: true, now },
      );
      await deleteClient(tx, client.clientId);
      await recordAuditEvent(
        tx,
        {
          event: "client.deleted",
          outcome: "success",
          clientId: client.clientId,
          actorUserId: actor.id,
          details: {
            name: client.clientName,
            registrationType: client.registrationType,
            revokedGrants: revoked.revokedGrants,
          },
        },
        now,
      );
      return revoked;
    });
    return c.json({
      clientId: client.clientId,
      revokedGrants: outcome.revokedGrants,
    } satisfies DeletedClientResponse);
  });

  return routes;
}
