// The admin API, the connected-apps API and the MCP server's tool-call audit, as docs/internal-api.md
// describes them; used only on the server, always with the signed-in person as the acting user.
import { z } from "zod";
import {
  type ActingUser,
  type BearerCall,
  type BearerTransport,
  ClientDisplaySchema,
  InternalApiError,
  isSessionEnded,
  ResourceDescriptionSchema,
  readError,
  readJson,
  ScopeDescriptionSchema,
} from "./internal-api";
import { queryString } from "./pagination";

const nullableTime = z.string().nullable();

const ConnectedAppSchema = z.object({
  client: ClientDisplaySchema,
  resources: z.array(ResourceDescriptionSchema),
  scopes: z.array(ScopeDescriptionSchema),
  connectedAt: nullableTime,
  lastUsedAt: nullableTime,
  activeGrants: z.number(),
});
export type ConnectedApp = z.infer<typeof ConnectedAppSchema>;

const ClientSummarySchema = z.object({
  clientId: z.string(),
  name: z.string().nullable(),
  registrationType: z.string(),
  confidential: z.boolean(),
  tokenEndpointAuthMethod: z.string(),
  grantTypes: z.array(z.string()),
  createdAt: nullableTime,
  lastUsedAt: nullableTime,
  disabledAt: nullableTime,
  configured: z.boolean(),
});
export type ClientSummary = z.infer<typeof ClientSummarySchema>;

const stringList = z.array(z.string()).nullable();
const ClientDetailSchema = ClientSummarySchema.extend({
  applicationType: z.string().nullable().optional(),
  redirectUris: stringList,
  responseTypes: stringList.optional(),
  scope: z.string().nullable().optional(),
  allowedScopes: stringList,
  allowedResources: stringList,
  introspectionAllowed: z.boolean(),
  uri: z.string().nullable().optional(),
  activeGrants: z.number(),
});
export type ClientDetail = z.infer<typeof ClientDetailSchema>;

const UserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  isAdmin: z.boolean(),
  createdAt: nullableTime,
  disabledAt: nullableTime,
  activeGrants: z.number().optional(),
});
export type AdminUser = z.infer<typeof UserSchema>;
const UserResponseSchema = z.object({ user: UserSchema });

const ClientRefSchema = z.object({
  clientId: z.string(),
  name: z.string().nullable(),
  registrationType: z.string(),
});
const UserRefSchema = z.object({ id: z.string(), email: z.string() });

const GrantSchema = z.object({
  id: z.string(),
  user: UserRefSchema,
  client: ClientRefSchema,
  resource: z.string(),
  scopes: z.array(z.string()),
  createdAt: nullableTime,
  lastUsedAt: nullableTime,
  refreshTokenExpiresAt: nullableTime,
  revokedAt: nullableTime,
  revokedReason: z.string().nullable(),
});
export type Grant = z.infer<typeof GrantSchema>;

const ConsentSchema = z.object({
  user: UserRefSchema,
  client: ClientRefSchema,
  resource: z.string(),
  scopes: z.array(z.string()),
  createdAt: nullableTime,
  updatedAt: nullableTime,
});
export type Consent = z.infer<typeof ConsentSchema>;

const SigningKeySchema = z.object({
  kid: z.string(),
  alg: z.string(),
  createdAt: nullableTime,
  retiredAt: nullableTime,
  ageSeconds: z.number(),
  status: z.string(),
});
export type SigningKey = z.infer<typeof SigningKeySchema>;

/** What both servers' audit logs record of an event; each adds its own fields. */
const AuditEventFields = {
  id: z.union([z.number(), z.string()]),
  cursor: z.string(),
  occurredAt: z.string(),
  event: z.string(),
  outcome: z.string().nullable(),
  clientId: z.string().nullable(),
  subject: z.string().nullable(),
};
const AuthAuditEventSchema = z.object({
  source: z.literal("auth-server"),
  ...AuditEventFields,
  actorUserId: z.string().nullable(),
  ipAddress: z.string().nullable().optional(),
  details: z.record(z.string(), z.unknown()).nullable().optional(),
});
const McpAuditEventSchema = z.object({
  source: z.literal("mcp-server"),
  ...AuditEventFields,
  tool: z.string().nullable(),
  scopes: z.string().nullable().optional(),
  durationMs: z.number().nullable().optional(),
  error: z.string().nullable().optional(),
});
export type AuthAuditEvent = z.infer<typeof AuthAuditEventSchema>;
export type McpAuditEvent = z.infer<typeof McpAuditEventSchema>;
export type AuditEvent = AuthAuditEvent | McpAuditEvent;

/** What revoking everything one person gave one app, or one filter's worth of grants, ended. */
const RevocationSchema = z.object({ revokedGrants: z.number(), removedConsents: z.number() });

function page<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number(),
    limit: z.number(),
    offset: z.number(),
  });
}
export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}
function auditPage<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
export interface AuditPage<T> {
  items: T[];
  nextCursor: string | null;
}

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

export interface PageQuery {
  limit?: number;
  offset?: number;
}

export interface AuditQuery {
  user?: string;
  client?: string;
  event?: string;
  tool?: string;
  outcome?: string;
  since?: string;
  until?: string;
  cursor?: string;
  limit?: number;
}

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
  const account = routes("internal:account", "/internal/account");
  const clients = routes("admin:clients", "/internal/admin/clients");
  const users = routes("admin:users", "/internal/admin/users");
  const grants = routes("admin:grants", "/internal/admin");
  const keys = routes("admin:keys", "/internal/admin/keys");
  const audit = routes("admin:audit:read", "/internal/admin/audit");
  // List filters leave out what is unset, so the API applies its own defaults.
  const query = (filters: PageQuery | AuditQuery) => queryString({ ...filters });
  const client = (clientId: string) => `/${segment(clientId)}`;
  const user = (userId: string) => `/${segment(userId)}`;

  return {
    account: {
      apps: (actingUser: ActingUser) =>
        account.get(actingUser, "/apps", z.object({ items: z.array(ConnectedAppSchema) })),
      revoke: (actingUser: ActingUser, clientId: string) =>
        account.post(actingUser, "/apps/revoke", { clientId }, RevocationSchema),
      /** Ends every session of the person, this one included (docs/internal-api.md). */
      signOutEverywhere: (actingUser: ActingUser) =>
        account.post(
          actingUser,
          "/sign-out-everywhere",
          {},
          z.object({ removedConsents: z.number() }),
        ),
    },

    clients: {
      list: (actingUser: ActingUser, filters: PageQuery & { type?: string }) =>
        clients.get(actingUser, query(filters), page(ClientSummarySchema)),
      get: (actingUser: ActingUser, clientId: string) =>
        clients.get(actingUser, client(clientId), z.object({ client: ClientDetailSchema })),
      create: (
        actingUser: ActingUser,
        input: {
          name: string;
          allowedScopes: string[];
          clientId?: string;
          introspectionAllowed?: boolean;
        },
      ) =>
        clients.post(
          actingUser,
          "",
          input,
          z.object({ client: ClientDetailSchema, clientSecret: z.string().min(1) }),
        ),
      rotateSecret: (actingUser: ActingUser, clientId: string) =>
        clients.post(
          actingUser,
          `${client(clientId)}/secret`,
          {},
          z.object({ clientId: z.string(), clientSecret: z.string().min(1) }),
        ),
      setDisabled: (actingUser: ActingUser, clientId: string, disabled: boolean) =>
        clients.post(
          actingUser,
          `${client(clientId)}/${disabled ? "disable" : "enable"}`,
          {},
          z.object({ client: z.unknown() }),
        ),
      delete: (actingUser: ActingUser, clientId: string) =>
        clients.delete(
          actingUser,
          client(clientId),
          z.object({ clientId: z.string(), revokedGrants: z.number() }),
        ),
    },

    users: {
      list: (actingUser: ActingUser, filters: PageQuery & { q?: string }) =>
        users.get(actingUser, query(filters), page(UserSchema)),
      get: (actingUser: ActingUser, userId: string) =>
        users.get(actingUser, user(userId), UserResponseSchema),
      create: (
        actingUser: ActingUser,
        input: { email: string; name: string; password: string; isAdmin: boolean },
      ) => users.post(actingUser, "", input, UserResponseSchema),
      setDisabled: (actingUser: ActingUser, userId: string, disabled: boolean) =>
        users.post(
          actingUser,
          `${user(userId)}/${disabled ? "disable" : "enable"}`,
          {},
          UserResponseSchema,
        ),
      setPassword: (actingUser: ActingUser, userId: string, password: string) =>
        users.post(actingUser, `${user(userId)}/password`, { password }, UserResponseSchema),
      setAdmin: (actingUser: ActingUser, userId: string, isAdmin: boolean) =>
        users.post(actingUser, `${user(userId)}/admin`, { isAdmin }, UserResponseSchema),
    },

    grants: {
      list: (
        actingUser: ActingUser,
        filters: PageQuery & { user?: string; client?: string; status?: string },
      ) => grants.get(actingUser, `/grants${query(filters)}`, page(GrantSchema)),
      consents: (actingUser: ActingUser, filters: PageQuery & { user?: string; client?: string }) =>
        grants.get(actingUser, `/consents${query(filters)}`, page(ConsentSchema)),
      revoke: (actingUser: ActingUser, grantId: string) =>
        grants.post(
          actingUser,
          `/grants/${segment(grantId)}/revoke`,
          {},
          z.object({ revoked: z.boolean() }),
        ),
      revokeAll: (actingUser: ActingUser, filter: { userId?: string; clientId?: string }) =>
        grants.post(actingUser, "/grants/revoke", filter, RevocationSchema),
    },

    keys: {
      list: (actingUser: ActingUser) =>
        keys.get(actingUser, "", z.object({ items: z.array(SigningKeySchema) })),
      rotate: (actingUser: ActingUser) =>
        keys.post(actingUser, "/rotate", {}, z.object({ kid: z.string() })),
    },

    audit: {
      authServer: (actingUser: ActingUser, filters: AuditQuery) =>
        audit.get(actingUser, query(filters), auditPage(AuthAuditEventSchema)),
      /** The MCP server cannot know who is acting: only an admin page may call this (see requireAdmin). */
      mcpServer: async (filters: AuditQuery): Promise<ApiOutcome<AuditPage<McpAuditEvent>>> => {
        const path = `/admin/audit${query(filters)}`;
        const response = await transport.call(
          `${options.mcpInternalUrl}${path}`,
          { resource: options.mcpResource, scope: "admin:mcp:audit:read" },
          { method: "GET" },
        );
        return outcome(response, auditPage(McpAuditEventSchema), path);
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
