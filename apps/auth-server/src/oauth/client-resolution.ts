// Which client a request names (RFC 6749 §2.2): a client registered here, or a client identifier URL
// whose metadata document is fetched now (draft-ietf-oauth-client-id-metadata-document-00 §4).
import type { AuthServer } from "../server-context";
import { type ClientRecord, findClient, upsertMetadataDocumentClient } from "../store/clients";
import {
  ClientMetadataDocumentError,
  isClientMetadataDocumentId,
} from "./client-metadata-document";

export type ClientResolutionFailure = "unknown_client" | "disabled_client" | "metadata_document";

/** A client that cannot be used. The message is a sentence fit for an error page and the audit log. */
export class ClientResolutionError extends Error {
  override name = "ClientResolutionError";

  constructor(
    readonly failure: ClientResolutionFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

function refuseIfDisabled(client: ClientRecord): ClientRecord {
  if (client.disabledAt) {
    throw new ClientResolutionError("disabled_client", "This client has been disabled.");
  }
  return client;
}

/**
 * The client a `client_id` names. A client identifier URL is resolved through its metadata document on
 * every call (the resolver caches it per its HTTP headers) and the stored row refreshed from it, so codes
 * and tokens can refer to it; when the document cannot be fetched or is invalid the request is refused,
 * never served from an older copy (draft §4.3). An administrator may pre-register a URL as an ordinary
 * client (later drafts: "Pre-Registering Client Identifier URLs"); that registration is used as it stands.
 */
export async function resolveClient(server: AuthServer, clientId: string): Promise<ClientRecord> {
  const registered = await server.store.run((x) => findClient(x, clientId));
  if (registered) refuseIfDisabled(registered);
  const fromDocument =
    isClientMetadataDocumentId(clientId) &&
    (!registered || registered.registrationType === "metadata_document");
  if (!fromDocument) {
    if (!registered) {
      throw new ClientResolutionError(
        "unknown_client",
        "No client is registered with this client_id.",
      );
    }
    return registered;
  }

  const resolver = server.clientMetadataDocuments;
  if (!resolver) {
    throw new ClientResolutionError(
      "metadata_document",
      "This server is not configured to fetch client metadata documents.",
    );
  }
  let document: Awaited<ReturnType<typeof resolver.resolve>>;
  try {
    document = await resolver.resolve(clientId);
  } catch (error) {
    if (!(error instanceof ClientMetadataDocumentError)) throw error;
    throw new ClientResolutionError(
      "metadata_document",
      `The client's metadata document could not be used: ${error.message}.`,
      { cause: error },
    );
  }
  const client = await server.store.transaction(
    async (tx) => await upsertMetadataDocumentClient(tx, document, server.clock()),
  );
  // An administrator may have disabled the client while its document was being fetched.
  return refuseIfDisabled(client);
}
