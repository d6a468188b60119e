// The admin API, the connected-apps API and the MCP server's tool-call audit, as docs/internal-api.md
// describes them; used only on the server, always with the signed-in person as the acting user.
import {
  ADMIN_SCOPES,
  ClientPage,
  ClientResponse,
  ConsentPage,
  type CreateClientRequest,
  CreatedClientResponse,
  type CreateUserRequest,
  DeletedClientResponse,
  GrantPage,
  type ListClientsQuery,
  type ListConsentsQuery,
  type ListGrantsQuery,
  type ListUsersQuery,
  type PageQuery as PageQuerySchema,
  type QueryParameters,
  type ResetPasswordRequest,
  Revocation,
  type RevokeAllRequest,
  RevokedGrantResponse,
  RotatedKeyResponse,
  RotatedSecretResponse,
  type SetAdminRequest,
  SigningKeysResponse,
  UserPage,
  UserResponse,
} from "@repo/contracts/admin-api";
import {
  AuthAuditPage,
  type AuthServerAuditQuery,
  McpAuditPage,
  TOOL_CALL_AUDIT_PATH,
  TOOL_CALL_AUDIT_SCOPE,
  type ToolCallAuditQuery,
} from "@repo/contracts/audit";
import {
  ACCOUNT_SCOPE,
  ConnectedAppsResponse,
  type RevokeConnectedAppRequest,
  RevokeConnectedAppResponse,
  type SignOutEverywhereRequest,
  SignOutEverywhereResponse,
} from "@repo/contracts/internal-api";
import type { z } from "zod";
import {
  type ActingUser,
  type BearerCall,
  type BearerTransport,
  InternalApiError,
  isSessionEnded,
  readError,
  readJson,
} from "./internal-api";
import { queryString } from "./pagination";

// The shapes are @repo/contracts', which both servers' answers are typed against.
export type {
  AdminUser,
  ClientDetail,
  ClientSummary,
  Consent,
  Grant,
  Page,
  SigningKey,
} from "@repo/contracts/admin-api";
export type {
  AuditEvent,
  AuditPage,
  AuthAuditEvent,
  McpAuditEvent,
} from "@repo/contracts/audit";
export type { ConnectedApp } from "@repo/contracts/internal-api";

/**
 * A refusal the pages explain to the person; anything else is an InternalApiError. 401 is always
 * `session_ended`: the person's session ended elsewhere (a password reset, a disable, "sign out
 * everywhere"), and the pages send them to sign in again.
 */
export type ApiRefusal = {
  ok: false;
  status: 400 | 401 | 403 | 404 | 409;
  error: string;
  description: string;
};
export type ApiOutcome<T> = { ok: true; value: T } | ApiRefusal;

export type PageQuery = QueryParameters<typeof PageQuerySchema>;

/** The console's audit filters: each log reads those it knows. */
export type AuditQuery = QueryParameters<typeof AuthServerAuditQuery> &
  QueryParameters<typeof ToolCallAuditQuery>;

export interface AdminApiOptions {
  issuer: string;
  internalUrl: string;
  /** The MCP server's canonical resource identifier: the audience of its audit token. */
  mcpResource: string;
  /** Where this server reaches the MCP server (its origin). */
  mcpInternalUrl: string;
}

const segment = encodeURIComponent;

export function createAdminApiClient(options: AdminApiOptions, transport: BearerTransport) {
  async function request<T>(
    scope: string,
    path: string,
    init: BearerCall,
    schema: z.ZodType<T>,
  ): Promise<ApiOutcome<T>> {
    const response = await transport.call(
      `${options.internalUrl}${path}`,
      { resource: `${options.issuer}/internal`, scope },
      init,
    );
    return outcome(response, schema, path);
  }

  /** The routes under `base`, all behind one scope, each call acting for `actingUser`. */
  function routes(scope: string, base: string) {
    return {
      get: <T>(actingUser: ActingUser, path: string, schema: z.ZodType<T>) =>
        request(scope, `${base}${path}`, { method: "GET", actingUser }, schema),
      post: <T>(actingUser: ActingUser, path: string, body: unknown, schema: z.ZodType<T>) =>
        request(scope, `${base}${path}`, { method: "POST", actingUser, body }, schema),
      delete: <T>(actingUser: ActingUser, path: string, schema: z.ZodType<T>) =>
        request(scope, `${base}${path}`, { method: "DELETE", actingUser }, schema),
    };
  }
  const account = routes(ACCOUNT_SCOPE, "/internal/account");
  const clients = routes(ADMIN_SCOPES.clients, "/internal/admin/clients");
  const users = routes(ADMIN_SCOPES.users, "/internal/admin/users");
  const grants = routes(ADMIN_SCOPES.grants, "/internal/admin");
  const keys = routes(ADMIN_SCOPES.keys, "/internal/admin/keys");
  const audit = routes(ADMIN_SCOPES.audit, "/internal/admin/audit");
  // List filters leave out what is unset, so the API applies its own defaults.
  const query = (filters: Record<string, string | number | undefined>) =>
    queryString({ ...filters });
  const client = (clientId: string) => `/${segment(clientId)}`;
  const user = (userId: string) => `/${segment(userId)}`;

  return {
    account: {
      apps: (actingUser: ActingUser) => account.get(actingUser, "/apps", ConnectedAppsResponse),
      revoke: (actingUser: ActingUser, clientId: string) => {
        const body: z.input<typeof RevokeConnectedAppRequest> = { clientId };
        return account.post(actingUser, "/apps/revoke", body, RevokeConnectedAppResponse);
      },
      /** Ends every session of the person, this one included (docs/internal-api.md). */
      signOutEverywhere: (actingUser: ActingUser) => {
        const body: z.input<typeof SignOutEverywhereRequest> = {};
        return account.post(actingUser, "/sign-out-everywhere", body, SignOutEverywhereResponse);
      },
    },

    clients: {
      list: (actingUser: ActingUser, filters: QueryParameters<typeof ListClientsQuery>) =>
        clients.get(actingUser, query(filters), ClientPage),
      get: (actingUser: ActingUser, clientId: string) =>
        clients.get(actingUser, client(clientId), ClientResponse),
      create: (actingUser: ActingUser, input: z.input<typeof CreateClientRequest>) =>
        clients.post(actingUser, "", input, CreatedClientResponse),
      rotateSecret: (actingUser: ActingUser, clientId: string) =>
        clients.post(actingUser, `${client(clientId)}/secret`, {}, RotatedSecretResponse),
      setDisabled: (actingUser: ActingUser, clientId: string, disabled: boolean) =>
        clients.post(
          actingUser,
          `${client(clientId)}/${disabled ? "disable" : "enable"}`,
          {},
          ClientResponse,
        ),
      delete: (actingUser: ActingUser, clientId: string) =>
        clients.delete(actingUser, client(clientId), DeletedClientResponse),
    },

    users: {
      list: (actingUser: ActingUser, filters: QueryParameters<typeof ListUsersQuery>) =>
        users.get(actingUser, query(filters), UserPage),
      get: (actingUser: ActingUser, userId: string) =>
        users.get(actingUser, user(userId), UserResponse),
      create: (actingUser: ActingUser, input: z.input<typeof CreateUserRequest>) =>
        users.post(actingUser, "", input, UserResponse),
      setDisabled: (actingUser: ActingUser, userId: string, disabled: boolean) =>
        users.post(
          actingUser,
          `${user(userId)}/${disabled ? "disable" : "enable"}`,
          {},
          UserResponse,
        ),
      setPassword: (actingUser: ActingUser, userId: string, password: string) => {
        const body: z.input<typeof ResetPasswordRequest> = { password };
        return users.post(actingUser, `${user(userId)}/password`, body, UserResponse);
      },
      setAdmin: (actingUser: ActingUser, userId: string, isAdmin: boolean) => {
        const body: z.input<typeof SetAdminRequest> = { isAdmin };
        return users.post(actingUser, `${user(userId)}/admin`, body, UserResponse);
      },
    },

    grants: {
      list: (actingUser: ActingUser, filters: QueryParameters<typeof ListGrantsQuery>) =>
        grants.get(actingUser, `/grants${query(filters)}`, GrantPage),
      consents: (actingUser: ActingUser, filters: QueryParameters<typeof ListConsentsQuery>) =>
        grants.get(actingUser, `/consents${query(filters)}`, ConsentPage),
      revoke: (actingUser: ActingUser, grantId: string) =>
        grants.post(actingUser, `/grants/${segment(grantId)}/revoke`, {}, RevokedGrantResponse),
      revokeAll: (actingUser: ActingUser, filter: z.input<typeof RevokeAllRequest>) =>
        grants.post(actingUser, "/grants/revoke", filter, Revocation),
    },

    keys: {
      list: (actingUser: ActingUser) => keys.get(actingUser, "", SigningKeysResponse),
      rotate: (actingUser: ActingUser) => keys.post(actingUser, "/rotate", {}, RotatedKeyResponse),
    },

    audit: {
      authServer: (actingUser: ActingUser, filters: AuditQuery) =>
        audit.get(actingUser, query(filters), AuthAuditPage),
      /** The MCP server cannot know who is acting: only an admin page may call this (see requireAdmin). */
      mcpServer: async (filters: AuditQuery): Promise<ApiOutcome<McpAuditPage>> => {
        const path = `${TOOL_CALL_AUDIT_PATH}${query(filters)}`;
        const response = await transport.call(
          `${options.mcpInternalUrl}${path}`,
          { resource: options.mcpResource, scope: TOOL_CALL_AUDIT_SCOPE },
          { method: "GET" },
        );
        return outcome(response, McpAuditPage, path);
      },
    },
  };
}

export type AdminApiClient = ReturnType<typeof createAdminApiClient>;

async function outcome<T>(
  response: Response,
  schema: z.ZodType<T>,
  path: string,
): Promise<ApiOutcome<T>> {
  if (response.status === 200 || response.status === 201) {
    const body = schema.safeParse(await readJson(response));
    if (!body.success) {
      throw new InternalApiError(
        `${path} answered ${response.status} with a body outside the contract: ${body.error.message}`,
        response.status,
      );
    }
    return { ok: true, value: body.data };
  }
  const error = await readError(response);
  if (isSessionEnded(response.status, error?.error)) {
    return { ok: false, status: 401, error: "session_ended", description: "" };
  }
  if (
    response.status === 400 ||
    response.status === 403 ||
    response.status === 404 ||
    response.status === 409
  ) {
    return {
      ok: false,
      status: response.status,
      error: error?.error ?? "unknown",
      description: error?.error_description ?? "",
    };
  }
  throw new InternalApiError(
    `unexpected answer from ${path}: ${response.status}${error ? ` (${error.error})` : ""}`,
    response.status,
  );
}
