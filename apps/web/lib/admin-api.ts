// The admin API, the connected-apps API and the MCP server's tool-call audit, as docs/internal-api.md
// describes them; used only on the server, always with the signed-in person as the acting user.
import { z } from "zod";
import {
  type BearerCall,
  type BearerTransport,
  InternalApiError,
  readError,
  readJson,
} from "./internal-api";

const nullableTime = z.string().nullable();

const ScopeDescriptionSchema = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  risk: z.enum(["low", "medium", "high"]),
});

const ConnectedAppSchema = z.object({
  client: z.object({
    clientId: z.string(),
    name: z.string().nullable(),
    uri: z.string().nullable(),
    logoUri: z.string().nullable(),
    registrationType: z.string(),
    verified: z.boolean(),
  }),
  resources: z.array(z.object({ identifier: z.string(), name: z.string() })),
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

const AuthAuditEventSchema = z.object({
  source: z.literal("auth-server"),
  id: z.union([z.number(), z.string()]),
  cursor: z.string(),
  occurredAt: z.string(),
  event: z.string(),
  outcome: z.string().nullable(),
  clientId: z.string().nullable(),
  subject: z.string().nullable(),
  actorUserId: z.string().nullable(),
  ipAddress: z.string().nullable().optional(),
  details: z.record(z.string(), z.unknown()).nullable().optional(),
});
const McpAuditEventSchema = z.object({
  source: z.literal("mcp-server"),
  id: z.union([z.number(), z.string()]),
  cursor: z.string(),
  occurredAt: z.string(),
  event: z.string(),
  outcome: z.string().nullable(),
  clientId: z.string().nullable(),
  subject: z.string().nullable(),
  tool: z.string().nullable(),
  scopes: z.string().nullable().optional(),
  durationMs: z.number().nullable().optional(),
  error: z.string().nullable().optional(),
});
export type AuthAuditEvent = z.infer<typeof AuthAuditEventSchema>;
export type McpAuditEvent = z.infer<typeof McpAuditEventSchema>;
export type AuditEvent = AuthAuditEvent | McpAuditEvent;

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

/** A refusal the pages explain to the person; anything else is an InternalApiError. */
export type ApiRefusal = {
  ok: false;
  status: 400 | 403 | 404 | 409;
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

/** Lists, query strings: drop what is unset so the API applies its own defaults. */
function query(parameters: Record<string, string | number | undefined>): string {
  const present = Object.entries(parameters).filter(
    (entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== "",
  );
  if (present.length === 0) return "";
  return `?${new URLSearchParams(present.map(([key, value]) => [key, String(value)]))}`;
}

const segment = encodeURIComponent;

export function createAdminApiClient(options: AdminApiOptions, transport: BearerTransport) {
  const internal = (scope: string) => ({ resource: `${options.issuer}/internal`, scope });

  async function request<T>(
    scope: string,
    path: string,
    init: BearerCall,
    schema: z.ZodType<T>,
  ): Promise<ApiOutcome<T>> {
    const response = await transport.call(`${options.internalUrl}${path}`, internal(scope), init);
    return outcome(response, schema, path);
  }

  const as = (actingUser: string, method: BearerCall["method"] = "GET", body?: unknown) => ({
    method,
    actingUser,
    ...(body === undefined ? {} : { body }),
  });

  return {
    account: {
      apps: (actingUser: string) =>
        request(
          "internal:account",
          "/internal/account/apps",
          as(actingUser),
          z.object({ items: z.array(ConnectedAppSchema) }),
        ),
      revoke: (actingUser: string, clientId: string) =>
        request(
          "internal:account",
          "/internal/account/apps/revoke",
          as(actingUser, "POST", { clientId }),
          z.object({ revokedGrants: z.number(), removedConsents: z.number() }),
        ),
    },

    clients: {
      list: (actingUser: string, filters: PageQuery & { type?: string }) =>
        request(
          "admin:clients",
          `/internal/admin/clients${query({ ...filters })}`,
          as(actingUser),
          page(ClientSummarySchema),
        ),
      get: (actingUser: string, clientId: string) =>
        request(
          "admin:clients",
          `/internal/admin/clients/${segment(clientId)}`,
          as(actingUser),
          z.object({ client: ClientDetailSchema }),
        ),
      create: (
        actingUser: string,
        input: { name: string; allowedScopes: string[]; clientId?: string },
      ) =>
        request(
          "admin:clients",
          "/internal/admin/clients",
          as(actingUser, "POST", input),
          z.object({ client: ClientDetailSchema, clientSecret: z.string().min(1) }),
        ),
      rotateSecret: (actingUser: string, clientId: string) =>
        request(
          "admin:clients",
          `/internal/admin/clients/${segment(clientId)}/secret`,
          as(actingUser, "POST", {}),
          z.object({ clientId: z.string(), clientSecret: z.string().min(1) }),
        ),
      setDisabled: (actingUser: string, clientId: string, disabled: boolean) =>
        request(
          "admin:clients",
          `/internal/admin/clients/${segment(clientId)}/${disabled ? "disable" : "enable"}`,
          as(actingUser, "POST", {}),
          z.object({ client: z.unknown() }),
        ),
      delete: (actingUser: string, clientId: string) =>
        request(
          "admin:clients",
          `/internal/admin/clients/${segment(clientId)}`,
          as(actingUser, "DELETE"),
          z.object({ clientId: z.string(), revokedGrants: z.number() }),
        ),
    },

    users: {
      list: (actingUser: string, filters: PageQuery & { q?: string }) =>
        request(
          "admin:users",
          `/internal/admin/users${query({ ...filters })}`,
          as(actingUser),
          page(UserSchema),
        ),
      get: (actingUser: string, userId: string) =>
        request(
          "admin:users",
          `/internal/admin/users/${segment(userId)}`,
          as(actingUser),
          z.object({ user: UserSchema }),
        ),
      create: (
        actingUser: string,
        input: { email: string; name: string; password: string; isAdmin: boolean },
      ) =>
        request(
          "admin:users",
          "/internal/admin/users",
          as(actingUser, "POST", input),
          z.object({ user: UserSchema }),
        ),
      setDisabled: (actingUser: string, userId: string, disabled: boolean) =>
        request(
          "admin:users",
          `/internal/admin/users/${segment(userId)}/${disabled ? "disable" : "enable"}`,
          as(actingUser, "POST", {}),
          z.object({ user: UserSchema }),
        ),
      setPassword: (actingUser: string, userId: string, password: string) =>
        request(
          "admin:users",
          `/internal/admin/users/${segment(userId)}/password`,
          as(actingUser, "POST", { password }),
          z.object({ user: UserSchema }),
        ),
      setAdmin: (actingUser: string, userId: string, isAdmin: boolean) =>
        request(
          "admin:users",
          `/internal/admin/users/${segment(userId)}/admin`,
          as(actingUser, "POST", { isAdmin }),
          z.object({ user: UserSchema }),
        ),
    },

    grants: {
      list: (
        actingUser: string,
        filters: PageQuery & { user?: string; client?: string; status?: string },
      ) =>
        request(
          "admin:grants",
          `/internal/admin/grants${query({ ...filters })}`,
          as(actingUser),
          page(GrantSchema),
        ),
      consents: (actingUser: string, filters: PageQuery & { user?: string; client?: string }) =>
        request(
          "admin:grants",
          `/internal/admin/consents${query({ ...filters })}`,
          as(actingUser),
          page(ConsentSchema),
        ),
      revoke: (actingUser: string, grantId: string) =>
        request(
          "admin:grants",
          `/internal/admin/grants/${segment(grantId)}/revoke`,
          as(actingUser, "POST", {}),
          z.object({ revoked: z.boolean() }),
        ),
      revokeAll: (actingUser: string, filter: { userId?: string; clientId?: string }) =>
        request(
          "admin:grants",
          "/internal/admin/grants/revoke",
          as(actingUser, "POST", filter),
          z.object({ revokedGrants: z.number(), removedConsents: z.number() }),
        ),
    },

    keys: {
      list: (actingUser: string) =>
        request(
          "admin:keys",
          "/internal/admin/keys",
          as(actingUser),
          z.object({ items: z.array(SigningKeySchema) }),
        ),
      rotate: (actingUser: string) =>
        request(
          "admin:keys",
          "/internal/admin/keys/rotate",
          as(actingUser, "POST", {}),
          z.object({ kid: z.string() }),
        ),
    },

    audit: {
      authServer: (actingUser: string, filters: AuditQuery) =>
        request(
          "admin:audit:read",
          `/internal/admin/audit${query({ ...filters })}`,
          as(actingUser),
          auditPage(AuthAuditEventSchema),
        ),
      /** The MCP server cannot know who is acting: only an admin page may call this (see requireAdmin). */
      mcpServer: async (filters: AuditQuery): Promise<ApiOutcome<AuditPage<McpAuditEvent>>> => {
        const path = `/admin/audit${query({ ...filters })}`;
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
