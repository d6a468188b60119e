// OAuth clients: pre-registered, dynamically registered (RFC 7591), and later metadata-document clients.
import { preparedPerHandle } from "@repo/server-kit/store";
import { count, desc, eq, sql } from "drizzle-orm";
import { type Executor, forUpdate } from "../db/database";
import type { clients, RegistrationType } from "../db/schema.postgres";

export type ClientRecord = typeof clients.$inferSelect;
export type NewClientRecord = typeof clients.$inferInsert;

// Prepared: every authenticated request at /token, /revoke and /introspect looks its client up.
const findClientStatement = preparedPerHandle(({ db, tables: { clients } }: Executor) =>
  db
    .select()
    .from(clients)
    .where(eq(clients.clientId, sql.placeholder("clientId")))
    .prepare("auth_find_client"),
);

export async function findClient(x: Executor, clientId: string): Promise<ClientRecord | undefined> {
  const [client] = await findClientStatement(x).execute({ clientId });
  return client;
}

export async function insertClient(
  { db, tables: { clients } }: Executor,
  client: NewClientRecord,
): Promise<ClientRecord> {
  const [inserted] = await db.insert(clients).values(client).returning();
  if (!inserted) throw new Error("the client insert returned no row");
  return inserted;
}

/** Inserts the client unless its id exists (ON CONFLICT DO NOTHING): undefined when it did. */
export async function insertClientIfAbsent(
  { db, tables: { clients } }: Executor,
  client: NewClientRecord,
): Promise<ClientRecord | undefined> {
  const [inserted] = await db.insert(clients).values(client).onConflictDoNothing().returning();
  return inserted;
}

/** The client, locked until the transaction ends (see forUpdate in db/database.ts). */
export async function lockClient(x: Executor, clientId: string): Promise<ClientRecord | undefined> {
  const { clients } = x.tables;
  const [client] = await forUpdate(
    x,
    x.db.select().from(clients).where(eq(clients.clientId, clientId)),
  );
  return client;
}

export async function updateClientSecretDigest(
  { db, tables: { clients } }: Executor,
  clientId: string,
  clientSecretDigest: string,
): Promise<void> {
  await db.update(clients).set({ clientSecretDigest }).where(eq(clients.clientId, clientId));
}

/** The public keys of a private_key_jwt client (the seed follows DEMO_BATCH_JWT_PUBLIC_KEY). */
export async function updateClientKeys(
  { db, tables: { clients } }: Executor,
  clientId: string,
  jwks: { keys: Record<string, unknown>[] },
): Promise<void> {
  await db.update(clients).set({ jwks }).where(eq(clients.clientId, clientId));
}

export async function updatePreRegisteredPolicy(
  { db, tables: { clients } }: Executor,
  clientId: string,
  policy: { allowedScopes: string[]; allowedResources: string[]; introspectionAllowed: boolean },
): Promise<void> {
  await db.update(clients).set(policy).where(eq(clients.clientId, clientId));
}

/** What a validated metadata document registers: its URL as the id, and no secret (a public client). */
export type MetadataDocumentClient = Pick<
  ClientRecord,
  | "clientId"
  | "applicationType"
  | "redirectUris"
  | "grantTypes"
  | "responseTypes"
  | "clientName"
  | "clientUri"
  | "logoUri"
  | "tosUri"
  | "policyUri"
  | "contacts"
  | "softwareId"
  | "softwareVersion"
  | "scope"
> & { tokenEndpointAuthMethod: "none" };

/**
 * Records what a client's metadata document says, so that codes, refresh tokens and consents can name the
 * client like any other. Each fetch refreshes the row; `createdAt` and `disabledAt` are kept. A row of
 * another registration type with the same id (an administrator's pre-registration of the URL) is never
 * overwritten: the upsert then fails.
 */
export async function upsertMetadataDocumentClient(
  { db, tables: { clients } }: Executor,
  document: MetadataDocumentClient,
  now: Date,
): Promise<ClientRecord> {
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
  // One statement, so two replicas fetching the same document at once both end on one row.
  const [client] = await db
    .insert(clients)
    .values({ clientId: document.clientId, ...metadata, createdAt: now })
    .onConflictDoUpdate({
      target: clients.clientId,
      set: metadata,
      setWhere: eq(clients.registrationType, "metadata_document"),
    })
    .returning();
  if (!client) {
    throw new Error(`client ${document.clientId} is registered, but not by a metadata document`);
  }
  return client;
}

/** A client that holds a secret and must prove it (RFC 6749 §2.1 "confidential"). */
export function isConfidential(client: Pick<ClientRecord, "tokenEndpointAuthMethod">): boolean {
  return client.tokenEndpointAuthMethod !== "none";
}

export async function listClients(
  { db, tables: { clients } }: Executor,
  query: { registrationType?: RegistrationType | undefined; limit: number; offset: number },
): Promise<{ items: ClientRecord[]; total: number }> {
  const where =
    query.registrationType === undefined
      ? undefined
      : eq(clients.registrationType, query.registrationType);
  const items = await db
    .select()
    .from(clients)
    .where(where)
    .orderBy(desc(clients.createdAt), clients.clientId)
    .limit(query.limit)
    .offset(query.offset);
  const [counted] = await db.select({ total: count() }).from(clients).where(where);
  return { items, total: counted?.total ?? 0 };
}

export async function setClientDisabledAt(
  { db, tables: { clients } }: Executor,
  clientId: string,
  disabledAt: Date | null,
): Promise<ClientRecord | undefined> {
  const [client] = await db
    .update(clients)
    .set({ disabledAt })
    .where(eq(clients.clientId, clientId))
    .returning();
  return client;
}

/** Deletes the client; its consents, codes, interactions, grants and refresh tokens go with it (FK cascade). */
export async function deleteClient(
  { db, tables: { clients } }: Executor,
  clientId: string,
): Promise<boolean> {
  const deleted = await db
    .delete(clients)
    .where(eq(clients.clientId, clientId))
    .returning({ clientId: clients.clientId });
  return deleted.length === 1;
}
