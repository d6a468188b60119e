// The authorization server's tables: it owns all OAuth state.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

const createdAt = () =>
  integer("created_at", { mode: "timestamp_ms" })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`);

export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  /** Stored lowercased so that sign-in and uniqueness do not depend on letter case. */
  email: text("email").notNull().unique(),
  displayName: text("display_name").notNull(),
  /** scrypt, see security/passwords.ts. */
  passwordHash: text("password_hash").notNull(),
  isAdmin: integer("is_admin", { mode: "boolean" }).notNull().default(false),
  createdAt: createdAt(),
  disabledAt: integer("disabled_at", { mode: "timestamp_ms" }),
  /**
   * Raised when a password is reset, the account disabled or the person signs out everywhere: every
   * web session carries the epoch it was signed in at, and the internal API refuses an older one.
   */
  sessionEpoch: integer("session_epoch").notNull().default(0),
});

export type RegistrationType = "pre_registered" | "dynamic" | "metadata_document";
export type TokenEndpointAuthMethod =
  | "none"
  | "client_secret_basic"
  | "client_secret_post"
  | "private_key_jwt";
export type ApplicationType = "native" | "web";

export const clients = sqliteTable("clients", {
  clientId: text("client_id").primaryKey(),
  registrationType: text("registration_type").$type<RegistrationType>().notNull(),
  /** SHA-256 of the secret, never the secret: see security/secrets.ts for why not a slow KDF. */
  clientSecretDigest: text("client_secret_digest"),
  tokenEndpointAuthMethod: text("token_endpoint_auth_method")
    .$type<TokenEndpointAuthMethod>()
    .notNull(),
  applicationType: text("application_type").$type<ApplicationType>().notNull(),
  redirectUris: text("redirect_uris", { mode: "json" }).$type<string[]>().notNull(),
  grantTypes: text("grant_types", { mode: "json" }).$type<string[]>().notNull(),
  responseTypes: text("response_types", { mode: "json" }).$type<string[]>().notNull(),
  clientName: text("client_name"),
  clientUri: text("client_uri"),
  logoUri: text("logo_uri"),
  tosUri: text("tos_uri"),
  policyUri: text("policy_uri"),
  contacts: text("contacts", { mode: "json" }).$type<string[]>(),
  softwareId: text("software_id"),
  softwareVersion: text("software_version"),
  /** The `scope` registered by the client (RFC 7591 §2). Informational: it never caps later requests. */
  scope: text("scope"),
  /** Pre-registered clients only: the scopes and resources an administrator allowed. */
  allowedScopes: text("allowed_scopes", { mode: "json" }).$type<string[]>(),
  allowedResources: text("allowed_resources", { mode: "json" }).$type<string[]>(),
  /**
   * RFC 7662 §4: introspection is for protected resources. Only clients an administrator allowed (the
   * web app, resource servers) may call /introspect; a self-registered client never can.
   */
  introspectionAllowed: integer("introspection_allowed", { mode: "boolean" })
    .notNull()
    .default(false),
  /**
   * RFC 9449 §5.2 `dpop_bound_access_tokens`: when true, /token issues this client nothing without a
   * DPoP proof.
   */
  dpopBoundAccessTokens: integer("dpop_bound_access_tokens", { mode: "boolean" })
    .notNull()
    .default(false),
  /** RFC 7591 §2 `jwks`: the public keys a `private_key_jwt` client signs its assertions with. */
  jwks: text("jwks", { mode: "json" }).$type<{ keys: Record<string, unknown>[] }>(),
  /** RFC 7591 §2 `jwks_uri`: where those keys are published instead (fetched, never both). */
  jwksUri: text("jwks_uri"),
  createdAt: createdAt(),
  disabledAt: integer("disabled_at", { mode: "timestamp_ms" }),
});

export const signingKeys = sqliteTable("signing_keys", {
  kid: text("kid").primaryKey(),
  alg: text("alg").notNull(),
  publicJwk: text("public_jwk", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  /** The private JWK as a compact JWE (dir + A256GCM) under a key derived from KEY_ENCRYPTION_SECRET. */
  encryptedPrivateJwk: text("encrypted_private_jwk").notNull(),
  createdAt: createdAt(),
  /** Set when a newer key takes over signing; the public key stays published until its tokens expire. */
  retiredAt: integer("retired_at", { mode: "timestamp_ms" }),
});

/**
 * Access tokens are self-contained JWTs, so the server keeps no row per token; it remembers only the
 * ones revoked before they expired (RFC 7009), which introspection (RFC 7662) then reports inactive.
 */
export const revokedAccessTokens = sqliteTable(
  "revoked_access_tokens",
  {
    jti: text("jti").primaryKey(),
    clientId: text("client_id").notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }).notNull(),
  },
  (table) => [index("revoked_access_tokens_expires_at").on(table.expiresAt)],
);

export type AuditOutcome = "success" | "failure";

export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    occurredAt: integer("occurred_at", { mode: "timestamp_ms" }).notNull(),
    event: text("event").notNull(),
    outcome: text("outcome").$type<AuditOutcome>().notNull(),
    clientId: text("client_id"),
    /** The user (or, for client credentials, the client) the event is about. */
    subject: text("subject"),
    /** The signed-in person who caused the event, for administrative actions. */
    actorUserId: text("actor_user_id"),
    ipAddress: text("ip_address"),
    details: text("details", { mode: "json" }).$type<Record<string, unknown>>(),
    /** The request that caused the event (the X-Request-Id it was served under), when known. */
    requestId: text("request_id"),
  },
  (table) => [
    index("audit_events_occurred_at").on(table.occurredAt),
    index("audit_events_client_id").on(table.clientId),
    index("audit_events_event").on(table.event),
  ],
);

/**
 * A validated authorization request waiting for the person's login and consent (the
 * browser goes to the web app with only this id). Everything the code will be bound to is fixed here,
 * at /authorize, so the web app can change nothing but the decision.
 */
export const interactions = sqliteTable(
  "interactions",
  {
    id: text("id").primaryKey(),
    clientId: text("client_id")
      .notNull()
      .references(() => clients.clientId, { onDelete: "cascade" }),
    redirectUri: text("redirect_uri").notNull(),
    /** RFC 6749 §4.1.3: a redirect_uri sent here must be sent again, identical, at the token endpoint. */
    redirectUriSent: integer("redirect_uri_sent", { mode: "boolean" }).notNull(),
    state: text("state"),
    scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull(),
    resource: text("resource").notNull(),
    codeChallenge: text("code_challenge").notNull(),
    /**
     * RFC 9449 §10 `dpop_jkt`: the thumbprint of the DPoP key the client named at /authorize. The
     * code is then redeemable only with a proof signed by that key.
     */
    dpopJkt: text("dpop_jkt"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    /** Set once, when consent is granted or denied: an interaction is never completed twice. */
    completedAt: integer("completed_at", { mode: "timestamp_ms" }),
    /**
     * A digest of the browser binding the web app set when the consent page was first shown, so a
     * leaked consent link cannot be completed from another browser. Set once, on first view.
     */
    browserBinding: text("browser_binding"),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
  },
  (table) => [index("interactions_expires_at").on(table.expiresAt)],
);

/** What a person has allowed a client to do at a resource; a later request within it skips the screen. */
export const consents = sqliteTable(
  "consents",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    clientId: text("client_id")
      .notNull()
      .references(() => clients.clientId, { onDelete: "cascade" }),
    resource: text("resource").notNull(),
    scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.clientId, table.resource] })],
);

/**
 * A grant: everything issued from one authorization code — its refresh tokens (rotated, one chain)
 * and its access tokens. OAuth 2.1 §4.1.3 and §4.3.1 revoke it as a whole when a code is replayed or
 * a rotated refresh token comes back.
 */
export const grants = sqliteTable(
  "grants",
  {
    id: text("id").primaryKey(),
    clientId: text("client_id")
      .notNull()
      .references(() => clients.clientId, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    resource: text("resource").notNull(),
    /** The consented scopes: a refresh may narrow them, never exceed them. */
    scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }).notNull(),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
    revokedReason: text("revoked_reason"),
    /**
     * RFC 9449 §5: the JWK thumbprint (RFC 7638) of the DPoP key the code was redeemed with. A public
     * client's refresh tokens from this grant are then good only with a proof signed by that key.
     */
    dpopJkt: text("dpop_jkt"),
  },
  (table) => [index("grants_user_client").on(table.userId, table.clientId)],
);

/** RFC 6749 §4.1.2 codes: 256 random bits, stored as SHA-256, living 60 seconds, redeemable once. */
export const authorizationCodes = sqliteTable(
  "authorization_codes",
  {
    codeDigest: text("code_digest").primaryKey(),
    /** Created with the code, so a replay can find and revoke what the first redemption issued. */
    grantId: text("grant_id").notNull(),
    clientId: text("client_id")
      .notNull()
      .references(() => clients.clientId, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    redirectUri: text("redirect_uri").notNull(),
    redirectUriSent: integer("redirect_uri_sent", { mode: "boolean" }).notNull(),
    resource: text("resource").notNull(),
    scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull(),
    codeChallenge: text("code_challenge").notNull(),
    /** The interaction's `dpop_jkt`, if any: /token refuses the code with a proof of any other key. */
    dpopJkt: text("dpop_jkt"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    redeemedAt: integer("redeemed_at", { mode: "timestamp_ms" }),
  },
  (table) => [index("authorization_codes_expires_at").on(table.expiresAt)],
);

/** Opaque refresh tokens, stored as SHA-256; each is used once and replaced (rotation). */
export const refreshTokens = sqliteTable(
  "refresh_tokens",
  {
    tokenDigest: text("token_digest").primaryKey(),
    grantId: text("grant_id")
      .notNull()
      .references(() => grants.id, { onDelete: "cascade" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    /** Set when exchanged for its successor; a second use is a reuse and revokes the grant. */
    rotatedAt: integer("rotated_at", { mode: "timestamp_ms" }),
    /** The token this one was exchanged for, so an honest retry can tell whether it was ever used. */
    successorDigest: text("successor_digest"),
    /** Set when the token is withdrawn without a use (an unused successor replaced by a retry). */
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
  },
  (table) => [
    index("refresh_tokens_grant_id").on(table.grantId),
    index("refresh_tokens_expires_at").on(table.expiresAt),
  ],
);

/** The access tokens a grant issued (by `jti`), so that revoking the grant can deny-list them. */
export const grantAccessTokens = sqliteTable(
  "grant_access_tokens",
  {
    jti: text("jti").primaryKey(),
    grantId: text("grant_id")
      .notNull()
      .references(() => grants.id, { onDelete: "cascade" }),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  },
  (table) => [index("grant_access_tokens_grant_id").on(table.grantId)],
);
