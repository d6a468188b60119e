// OAuth clients: pre-registered, dynamically registered (RFC 7591), and later metadata-document clients.
import { preparedPerExecutor } from "@repo/server-kit/sqlite";
import { count, desc, eq, sql } from "drizzle-orm";
import type { Executor } from "../db/database";
import { clients, type RegistrationType } from "../db/schema";
import type { ClientMetadataDocument } from "../oauth/client-metadata-document";

export type ClientRecord = typeof clients.$inferSelect;
export type NewClientRecord = typeof clients.$inferInsert;

const findClientStatement = preparedPerExecutor((executor: Executor) =>
  executor
    .select()
    .from(clients)
    .where(eq(clients.clientId, sql.placeholder("clientId")))
    .prepare(),
);

export function findClient(executor: Executor, clientId: string): ClientRecord | undefined {
  return findClientStatement(executor).get({ clientId });
}

export function insertClient(executor: Executor, client: NewClientRecord): ClientRecord {
  return executor.insert(clients).values(client).returning().get();
}

export function updateClientSecretDigest(
  executor: Executor,
  clientId: string,
  clientSecretDigest: string,
): void {
  executor.update(clients).set({ clientSecretDigest }).where(eq(clients.clientId, clientId)).run();
}

export function updatePreRegisteredPolicy(
  executor: Executor,
  clientId: string,
  policy: { allowedScopes: string[]; allowedResources: string[]; introspectionAllowed: boolean },
): void {
  executor.update(clients).set(policy).where(eq(clients.clientId, clientId)).run();
}

/**
 * Records what a client's metadata document says, so that codes, refresh tokens and consents can name the
 * client like any other. Each fetch refreshes the row; `createdAt` and `disabledAt` are kept. A row of
 * another registration type with the same id (an administrator's pre-registration of the URL) is never
 * overwritten: the upsert then fails.
 */
export function upsertMetadataDocumentClient(
  executor: Executor,
  document: ClientMetadataDocument,
  now: Date,
): ClientRecord {
  const metadata = {
    registrationType: "metadata_document",
    clientSecretDigest: null,
    tokenEndpointAuthMethod: document.tokenEndpointAuthMethod,
    applicationType: document.applicationType,
    redirectUris: document.redirectUris,
    grantTypes: document.grantTypes,
    responseTypes: document.responseTypes,
    clientName: document.clientName,
    clientUri: document.clientUri,
    logoUri: document.logoUri,
    tosUri: document.tosUri,
    policyUri: document.policyUri,
    contacts: document.contacts,
    softwareId: document.softwareId,
    softwareVersion: document.softwareVersion,
    scope: document.scope,
  } satisfies Partial<NewClientRecord>;
  const client = executor
    .insert(clients)
    .values({ clientId: document.clientId, ...metadata, createdAt: now })
    .onConflictDoUpdate({
      target: clients.clientId,
      set: metadata,
      setWhere: eq(clients.registrationType, "metadata_document"),
    })
    .returning()
    .get();
  if (!client) {
    throw new Error(`client ${document.clientId} is registered, but not by a metadata document`);
  }
  return client;
}

/** A client that holds a secret and must prove it (RFC 6749 §2.1 "confidential"). */
export function isConfidential(client: Pick<ClientRecord, "tokenEndpointAuthMethod">): boolean {
  return client.tokenEndpointAuthMethod !== "none";
}

export function listClients(
  executor: Executor,
  query: { registrationType?: RegistrationType | undefined; limit: number; offset: number },
): { items: ClientRecord[]; total: number } {
  const where =
    query.registrationType === undefined
      ? undefined
      : eq(clients.registrationType, query.registrationType);
  const items = executor
    .select()
    .from(clients)
    .where(where)
    .orderBy(desc(clients.createdAt), clients.clientId)
    .limit(query.limit)
    .offset(query.offset)
    .all();
  const total = executor.select({ total: count() }).from(clients).where(where).get()?.total ?? 0;
  return { items, total };
}

export function setClientDisabledAt(
  executor: Executor,
  clientId: string,
  disabledAt: Date | null,
): ClientRecord | undefined {
  return executor
    .update(clients)
    .set({ disabledAt })
    .where(eq(clients.clientId, clientId))
    .returning()
    .get();
}

/** Deletes the client; its consents, codes, interactions, grants and refresh tokens go with it (FK cascade). */
export function deleteClient(executor: Executor, clientId: string): boolean {
  return executor.delete(clients).where(eq(clients.clientId, clientId)).run().changes === 1;
}
