// The admin console's API under /internal/admin (docs/internal-api.md "Admin API"): the scope each
// group of routes needs and every request and response body. Every route also needs an enabled
// administrator as the acting user.
import { scopesForAudience } from "@repo/scopes";
import { z } from "zod";
import { PageQuery, pageOf, Time } from "./conventions";

export type { Page, QueryParameters } from "./conventions";
export { PageQuery } from "./conventions";

export const ADMIN_API_PATH = "/admin";

/** One scope per part of the console, so a page's token can do what the page needs and no more. */
export const ADMIN_SCOPES = {
  clients: "admin:clients",
  users: "admin:users",
  grants: "admin:grants",
  keys: "admin:keys",
  audit: "admin:audit:read",
} as const;

/** The scope each group of admin routes needs, by path prefix under /internal/admin. */
export const ADMIN_ROUTE_SCOPES = [
  { prefix: "/clients", scope: ADMIN_SCOPES.clients },
  { prefix: "/users", scope: ADMIN_SCOPES.users },
  { prefix: "/grants", scope: ADMIN_SCOPES.grants },
  { prefix: "/consents", scope: ADMIN_SCOPES.grants },
  { prefix: "/keys", scope: ADMIN_SCOPES.keys },
  { prefix: "/audit", scope: ADMIN_SCOPES.audit },
] as const;

const Id = z.string().min(1).max(2048);
const Count = z.number().int().nonnegative();

/** What revoking everything one person gave one app, or one filter's worth of grants, ended. */
export const Revocation = z.object({ revokedGrants: Count, removedConsents: Count });
export type Revocation = z.infer<typeof Revocation>;

// /internal/admin/clients

export const REGISTRATION_TYPES = ["pre_registered", "dynamic", "metadata_document"] as const;
export type RegistrationType = (typeof REGISTRATION_TYPES)[number];

export const ListClientsQuery = PageQuery.extend({ type: z.enum(REGISTRATION_TYPES).optional() });

/**
 * Only the MCP server's own scopes: internal and admin scopes belong to the seeded web client alone, so
 * that creating a client can never mint a second administrator that the acting-user check would not see.
 */
const GRANTABLE_SCOPES: ReadonlySet<string> = new Set(scopesForAudience("mcp"));

/**
 * A JWK Set (RFC 7517 §5) as pasted: its shape only. The server checks each key further (public,
 * for signing, importable) and says which one it refused.
 */
export const ClientJwks = z.object({
  keys: z.array(z.record(z.string(), z.unknown())).min(1).max(20),
});
export type ClientJwks = z.infer<typeof ClientJwks>;

export const TOKEN_ENDPOINT_AUTH_METHODS = [
  "client_secret_basic",
  "client_secret_post",
  "private_key_jwt",
] as const;

export const CreateClientRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    allowedScopes: z
      .array(
        z.string().refine((scope) => GRANTABLE_SCOPES.has(scope), {
          message: `must be one of the MCP server's scopes: ${[...GRANTABLE_SCOPES].join(" ")}`,
        }),
      )
      .min(1)
      .max(50),
    clientId: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9._-]{2,63}$/,
        "3–64 of a-z 0-9 . _ -, starting with a letter or digit",
      )
      .optional(),
    tokenEndpointAuthMethod: z.enum(TOKEN_ENDPOINT_AUTH_METHODS).default("client_secret_basic"),
    /**
     * RFC 7523 §2.2 private_key_jwt only, and then exactly one of the two: the client's public keys
     * (RFC 7591 §2 `jwks`), or the https URL where it publishes them (`jwks_uri`). Such a client gets no
     * secret.
     */
    jwks: ClientJwks.optional(),
    jwksUri: z.string().min(1).max(2000).optional(),
    /**
     * RFC 7662 §4: a resource server that checks tokens at /introspect. Only an administrator can grant
     * it; a client that registers itself never has it.
     */
    introspectionAllowed: z.boolean().default(false),
    /** RFC 9449 §5.2: /token issues this client nothing without a DPoP proof. */
    dpopBoundAccessTokens: z.boolean().default(false),
  })
  .superRefine((request, context) => {
    const keys = [request.jwks, request.jwksUri].filter((value) => value !== undefined).length;
    if (request.tokenEndpointAuthMethod === "private_key_jwt" && keys !== 1) {
      context.addIssue({
        code: "custom",
        path: ["jwks"],
        message: "private_key_jwt needs either jwks or jwksUri, not both",
      });
    }
    if (request.tokenEndpointAuthMethod !== "private_key_jwt" && keys !== 0) {
      context.addIssue({
        code: "custom",
        path: ["jwks"],
        message: "jwks and jwksUri are for private_key_jwt clients only",
      });
    }
  });

export const ClientSummary = z.object({
  clientId: z.string(),
  name: z.string().nullable(),
  registrationType: z.enum(REGISTRATION_TYPES),
  confidential: z.boolean(),
  tokenEndpointAuthMethod: z.string(),
  grantTypes: z.array(z.string()),
  createdAt: Time,
  lastUsedAt: Time,
  disabledAt: Time,
  /** Its secret comes from the environment: the console cannot rotate it. */
  configured: z.boolean(),
});
export type ClientSummary = z.infer<typeof ClientSummary>;

const stringList = z.array(z.string());

/** A client's registered metadata (RFC 7591 §2) and what an administrator allowed it. */
export const ClientDetail = ClientSummary.extend({
  applicationType: z.string(),
  redirectUris: stringList,
  responseTypes: stringList,
  scope: z.string().nullable(),
  allowedScopes: stringList.nullable(),
  allowedResources: stringList.nullable(),
  introspectionAllowed: z.boolean(),
  dpopBoundAccessTokens: z.boolean(),
  uri: z.string().nullable(),
  logoUri: z.string().nullable(),
  tosUri: z.string().nullable(),
  policyUri: z.string().nullable(),
  contacts: stringList.nullable(),
  softwareId: z.string().nullable(),
  softwareVersion: z.string().nullable(),
  /** private_key_jwt clients: the registered public keys, or where they are fetched from. */
  jwks: ClientJwks.nullable(),
  jwksUri: z.string().nullable(),
  activeGrants: Count,
});
export type ClientDetail = z.infer<typeof ClientDetail>;

export const ClientPage = pageOf(ClientSummary);
export type ClientPage = z.infer<typeof ClientPage>;

export const ClientResponse = z.object({ client: ClientDetail });
export type ClientResponse = z.infer<typeof ClientResponse>;

/**
 * The secret leaves the server here, once; only its digest is kept. A private_key_jwt client has
 * none: it holds its own private key.
 */
export const CreatedClientResponse = ClientResponse.extend({
  clientSecret: z.string().min(1).optional(),
});
export type CreatedClientResponse = z.infer<typeof CreatedClientResponse>;

export const RotatedSecretResponse = z.object({
  clientId: z.string(),
  clientSecret: z.string().min(1),
});
export type RotatedSecretResponse = z.infer<typeof RotatedSecretResponse>;

export const DeletedClientResponse = z.object({ clientId: z.string(), revokedGrants: Count });
export type DeletedClientResponse = z.infer<typeof DeletedClientResponse>;

// /internal/admin/users

export const ListUsersQuery = PageQuery.extend({ q: z.string().max(200).optional() });

const Password = z.string().min(8, "at least 8 characters").max(1024);

export const CreateUserRequest = z.strictObject({
  email: z.email().max(320),
  name: z.string().trim().min(1).max(200),
  password: Password,
  isAdmin: z.boolean().default(false),
});

export const ResetPasswordRequest = z.strictObject({ password: Password });
export const SetAdminRequest = z.strictObject({ isAdmin: z.boolean() });

export const AdminUser = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  isAdmin: z.boolean(),
  createdAt: Time,
  disabledAt: Time,
  activeGrants: Count,
});
export type AdminUser = z.infer<typeof AdminUser>;

export const UserPage = pageOf(AdminUser);
export type UserPage = z.infer<typeof UserPage>;

export const UserResponse = z.object({ user: AdminUser });
export type UserResponse = z.infer<typeof UserResponse>;

// /internal/admin/grants, /internal/admin/consents

export const ListGrantsQuery = PageQuery.extend({
  user: Id.optional(),
  client: Id.optional(),
  status: z.enum(["active", "revoked", "all"]).default("active"),
});

export const ListConsentsQuery = PageQuery.extend({ user: Id.optional(), client: Id.optional() });

export const RevokeAllRequest = z
  .strictObject({ userId: Id.optional(), clientId: Id.optional() })
  .refine((request) => request.userId !== undefined || request.clientId !== undefined, {
    message: "name a userId, a clientId or both",
  });

const ClientReference = z.object({
  clientId: z.string(),
  name: z.string().nullable(),
  registrationType: z.string(),
});
const UserReference = z.object({ id: z.string(), email: z.string() });

/** One refresh-token family: what one authorization gave one client. */
export const Grant = z.object({
  id: z.string(),
  user: UserReference,
  client: ClientReference,
  resource: z.string(),
  scopes: z.array(z.string()),
  createdAt: Time,
  lastUsedAt: Time,
  refreshTokenExpiresAt: Time,
  revokedAt: Time,
  revokedReason: z.string().nullable(),
});
export type Grant = z.infer<typeof Grant>;

/** A remembered consent: what a person allowed a client, so the next request skips the screen. */
export const Consent = z.object({
  user: UserReference,
  client: ClientReference,
  resource: z.string(),
  scopes: z.array(z.string()),
  createdAt: Time,
  updatedAt: Time,
});
export type Consent = z.infer<typeof Consent>;

export const GrantPage = pageOf(Grant);
export type GrantPage = z.infer<typeof GrantPage>;

export const ConsentPage = pageOf(Consent);
export type ConsentPage = z.infer<typeof ConsentPage>;

export const RevokedGrantResponse = z.object({ grantId: z.string(), revoked: z.boolean() });
export type RevokedGrantResponse = z.infer<typeof RevokedGrantResponse>;

// /internal/admin/keys

export const SigningKey = z.object({
  kid: z.string(),
  alg: z.string(),
  createdAt: Time,
  retiredAt: Time,
  ageSeconds: Count,
  status: z.enum(["active", "retired-published", "expired"]),
});
export type SigningKey = z.infer<typeof SigningKey>;

export const SigningKeysResponse = z.object({ items: z.array(SigningKey) });
export type SigningKeysResponse = z.infer<typeof SigningKeysResponse>;

export const RotatedKeyResponse = SigningKeysResponse.extend({ kid: z.string() });
export type RotatedKeyResponse = z.infer<typeof RotatedKeyResponse>;
