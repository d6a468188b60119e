// OAuth clients: pre-registered, dynamically registered (RFC 7591), and later metadata-document clients.
import { eq, sql } from "drizzle-orm";
import { type Executor, preparedPerExecutor } from "../db/database";
import { clients } from "../db/schema";

export type ClientRecord = typeof clients.$inferSelect;
export type NewClientRecord = typeof clients.$inferInsert;

const findClientStatement = preparedPerExecutor((executor) =>
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
  policy: { allowedScopes: string[]; allowedResources: string[] },
): void {
  executor.update(clients).set(policy).where(eq(clients.clientId, clientId)).run();
}

/** A client that holds a secret and must prove it (RFC 6749 §2.1 "confidential"). */
export function isConfidential(client: Pick<ClientRecord, "tokenEndpointAuthMethod">): boolean {
  return client.tokenEndpointAuthMethod !== "none";
}
