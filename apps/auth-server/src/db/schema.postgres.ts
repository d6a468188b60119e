// The authorization server's tables on PostgreSQL: the same tables, columns, keys and indexes as the
// SQLite ones in schema.ts, spelled in PostgreSQL's types (timestamptz for the epoch-millisecond
// integers, jsonb for the JSON text, boolean for the 0/1 integers). Store code is typed against these.
//
// Why two schemas held together by a test (test/schema-parity.test.ts) rather than one generator:
// drizzle has no dialect-neutral table builder. A table is built with sqliteTable or pgTable and its
// columns with that dialect's own column builders, and drizzle-kit generates each dialect's migrations
// from its own definitions. A home-made generator over both would be a second schema language to
// learn and to keep correct; two plain drizzle files that a test compares column by column are read
// by anyone who knows drizzle, and the test fails the moment they drift.
import { sql } from "drizzle-orm";
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from "drizzle-orm/pg-core";
import type {
  ApplicationType,
  AuditOutcome,
  RegistrationType,
  TokenEndpointAuthMethod,
} from "./schema";

export type { ApplicationType, AuditOutcome, RegistrationType, TokenEndpointAuthMethod };

/** Milliseconds, as the SQLite columns hold, so the two engines round-trip the same Date values. */
const time = (name: string) => timestamp(name, { withTimezone: true, mode: "date", precision: 3 });

const createdAt = () => time("created_at").notNull().default(sql`now()`);

export const users = pgTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  displayName: text("display_name").notNull(),
  passwordHash: text("password_hash").notNull(),
  isAdmin: boolean("is_admin").notNull().default(false),
  createdAt: createdAt(),
  disabledAt: time("disabled_at"),
  sessionEpoch: integer("session_epoch").notNull().default(0),
});

export const clients = pgTable("clients", {
  clientId: text("client_id").primaryKey(),
  registrationType: text("registration_type").$type<RegistrationType>().notNull(),
  clientSecretDigest: text("client_secret_digest"),
  tokenEndpointAuthMethod: text("token_endpoint_auth_method")
    .$type<TokenEndpointAuthMethod>()
    .notNull(),
  applicationType: text("application_type").$type<ApplicationType>().notNull(),
  redirectUris: jsonb("redirect_uris").$type<string[]>().notNull(),
  grantTypes: jsonb("grant_types").$type<string[]>().notNull(),
  responseTypes: jsonb("response_types").$type<string[]>().notNull(),
  clientName: text("client_name"),
  clientUri: text("client_uri"),
  logoUri: text("logo_uri"),
  tosUri: text("tos_uri"),
  policyUri: text("policy_uri"),
  contacts: jsonb("contacts").$type<string[]>(),
  softwareId: text("software_id"),
  softwareVersion: text("software_version"),
  scope: text("scope"),
  allowedScopes: jsonb("allowed_scopes").$type<string[]>(),
  allowedResources: jsonb("allowed_resources").$type<string[]>(),
  introspectionAllowed: boolean("introspection_allowed").notNull().default(false),
  dpopBoundAccessTokens: boolean("dpop_bound_access_tokens").notNull().default(false),
  jwks: jsonb("jwks").$type<{ keys: Record<string, unknown>[] }>(),
  jwksUri: text("jwks_uri"),
  createdAt: createdAt(),
  disabledAt: time("disabled_at"),
});

export const signingKeys = pgTable("signing_keys", {
  kid: text("kid").primaryKey(),
  alg: text("alg").notNull(),
  publicJwk: jsonb("public_jwk").$type<Record<string, unknown>>().notNull(),
  encryptedPrivateJwk: text("encrypted_private_jwk").notNull(),
  createdAt: createdAt(),
  retiredAt: time("retired_at"),
});

export const revokedAccessTokens = pgTable(
  "revoked_access_tokens",
  {
    jti: text("jti").primaryKey(),
    clientId: text("client_id").notNull(),
    expiresAt: time("expires_at").notNull(),
    revokedAt: time("revoked_at").notNull(),
  },
  (table) => [index("revoked_access_tokens_expires_at").on(table.expiresAt)],
);

export const auditEvents = pgTable(
  "audit_events",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    occurredAt: time("occurred_at").notNull(),
    event: text("event").notNull(),
    outcome: text("outcome").$type<AuditOutcome>().notNull(),
    clientId: text("client_id"),
    subject: text("subject"),
    actorUserId: text("actor_user_id"),
    ipAddress: text("ip_address"),
    details: jsonb("details").$type<Record<string, unknown>>(),
    requestId: text("request_id"),
  },
  (table) => [
    index("audit_events_occurred_at").on(table.occurredAt),
    index("audit_events_client_id").on(table.clientId),
    index("audit_events_event").on(table.event),
  ],
);

export const interactions = pgTable(
  "interactions",
  {
    id: text("id").primaryKey(),
    clientId: text("client_id")
      .notNull()
      .references(() => clients.clientId, { onDelete: "cascade" }),
    redirectUri: text("redirect_uri").notNull(),
    redirectUriSent: boolean("redirect_uri_sent").notNull(),
    state: text("state"),
    scopes: jsonb("scopes").$type<string[]>().notNull(),
    resource: text("resource").notNull(),
    codeChallenge: text("code_challenge").notNull(),
    /**
     * RFC 9449 §10 `dpop_jkt`: the thumbprint of the DPoP key the client named at /authorize. The
     * code is then redeemable only with a proof signed by that key.
     */
    dpopJkt: text("dpop_jkt"),
    createdAt: time("created_at").notNull(),
    expiresAt: time("expires_at").notNull(),
    completedAt: time("completed_at"),
    browserBinding: text("browser_binding"),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
  },
  (table) => [index("interactions_expires_at").on(table.expiresAt)],
);

export const consents = pgTable(
  "consents",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    clientId: text("client_id")
      .notNull()
      .references(() => clients.clientId, { onDelete: "cascade" }),
    resource: text("resource").notNull(),
    scopes: jsonb("scopes").$type<string[]>().notNull(),
    createdAt: time("created_at").notNull(),
    updatedAt: time("updated_at").notNull(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.clientId, table.resource] })],
);

export const grants = pgTable(
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
    scopes: jsonb("scopes").$type<string[]>().notNull(),
    createdAt: time("created_at").notNull(),
    lastUsedAt: time("last_used_at").notNull(),
    revokedAt: time("revoked_at"),
    revokedReason: text("revoked_reason"),
    dpopJkt: text("dpop_jkt"),
  },
  (table) => [index("grants_user_client").on(table.userId, table.clientId)],
);

export const authorizationCodes = pgTable(
  "authorization_codes",
  {
    codeDigest: text("code_digest").primaryKey(),
    grantId: text("grant_id").notNull(),
    clientId: text("client_id")
      .notNull()
      .references(() => clients.clientId, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    redirectUri: text("redirect_uri").notNull(),
    redirectUriSent: boolean("redirect_uri_sent").notNull(),
    resource: text("resource").notNull(),
    scopes: jsonb("scopes").$type<string[]>().notNull(),
    codeChallenge: text("code_challenge").notNull(),
    /** The interaction's `dpop_jkt`, if any: /token refuses the code with a proof of any other key. */
    dpopJkt: text("dpop_jkt"),
    createdAt: time("created_at").notNull(),
    expiresAt: time("expires_at").notNull(),
    redeemedAt: time("redeemed_at"),
  },
  (table) => [index("authorization_codes_expires_at").on(table.expiresAt)],
);

export const refreshTokens = pgTable(
  "refresh_tokens",
  {
    tokenDigest: text("token_digest").primaryKey(),
    grantId: text("grant_id")
      .notNull()
      .references(() => grants.id, { onDelete: "cascade" }),
    createdAt: time("created_at").notNull(),
    expiresAt: time("expires_at").notNull(),
    rotatedAt: time("rotated_at"),
    successorDigest: text("successor_digest"),
    revokedAt: time("revoked_at"),
  },
  (table) => [
    index("refresh_tokens_grant_id").on(table.grantId),
    index("refresh_tokens_expires_at").on(table.expiresAt),
  ],
);

export const grantAccessTokens = pgTable(
  "grant_access_tokens",
  {
    jti: text("jti").primaryKey(),
    grantId: text("grant_id")
      .notNull()
      .references(() => grants.id, { onDelete: "cascade" }),
    expiresAt: time("expires_at").notNull(),
  },
  (table) => [index("grant_access_tokens_grant_id").on(table.grantId)],
);
