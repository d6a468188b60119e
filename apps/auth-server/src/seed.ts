// Demo data (README "Configuration"), created on first start and kept in line with the config.
// Idempotent: every start runs it, and on PostgreSQL two replicas starting at once run it one after
// the other under the migration lock; the inserts are ON CONFLICT DO NOTHING besides, so a second
// writer that slipped past the lock (a SQLite file shared by two processes) finds the row and moves on.
import { randomUUID } from "node:crypto";
import { scopesForAudience } from "@repo/scopes";
import type { AuthServerConfig } from "./config";
import type { AuthStore } from "./db/database";
import { type ClientJwks, checkPublicJwks } from "./oauth/client-keys";
import { hashPassword, type ScryptCost } from "./security/passwords";
import { secretDigest, secretMatchesDigest } from "./security/secrets";
import { recordAuditEvent } from "./store/audit";
import {
  findClient,
  insertClientIfAbsent,
  lockClient,
  updateClientKeys,
  updateClientSecretDigest,
  updatePreRegisteredPolicy,
} from "./store/clients";
import { findUserByEmail, insertUserIfAbsent } from "./store/users";

export const DEMO_BATCH_CLIENT_ID = "demo-batch";
/** The same batch job as a `private_key_jwt` client (RFC 7523 §2.2): a public key, no secret. */
export const DEMO_BATCH_JWT_CLIENT_ID = "demo-batch-jwt";

export const DEMO_USERS = [
  {
    email: "demo@example.com",
    displayName: "Demo Admin",
    isAdmin: true,
    passwordSetting: "demoUserPassword",
  },
  {
    email: "analyst@example.com",
    displayName: "Ada Analyst",
    isAdmin: false,
    passwordSetting: "analystUserPassword",
  },
] as const;

/**
 * What the batch job may do without a person: the read-only MCP tools. Tools on a person's data
 * (watchlists, automations) need a user's token, so they are not in this list.
 */
export const DEMO_BATCH_SCOPES = [
  "mcp:tools:sentiment:read",
  "mcp:tools:climate",
  "mcp:data:news:read",
  "mcp:data:client-info:read",
];

export async function seedDemoData(
  store: AuthStore,
  config: AuthServerConfig,
  now: Date,
  passwordHashCost: ScryptCost,
): Promise<void> {
  if (!config.seed.enabled) return;

  for (const demoUser of DEMO_USERS) {
    if (await store.run((x) => findUserByEmail(x, demoUser.email))) continue;
    // scrypt before the transaction: it is slow by design and must not hold the write lock.
    const passwordHash = await hashPassword(
      config.seed[demoUser.passwordSetting],
      passwordHashCost,
    );
    await store.transaction(async (tx) => {
      const user = await insertUserIfAbsent(tx, {
        id: randomUUID(),
        email: demoUser.email,
        displayName: demoUser.displayName,
        passwordHash,
        isAdmin: demoUser.isAdmin,
        createdAt: now,
      });
      if (!user) return;
      await recordAuditEvent(
        tx,
        {
          event: "user.seeded",
          outcome: "success",
          subject: user.id,
          details: { email: user.email },
        },
        now,
      );
    });
  }

  await ensurePreRegisteredClient(
    store,
    {
      clientId: DEMO_BATCH_CLIENT_ID,
      clientName: "Demo batch job",
      credential: { secret: config.seed.demoBatchClientSecret },
      credentialSetting: "DEMO_BATCH_CLIENT_SECRET",
      allowedScopes: [...DEMO_BATCH_SCOPES],
      allowedResources: [config.mcpResource],
      // A batch job is a client, not a resource server (RFC 7662 §4).
      introspectionAllowed: false,
    },
    now,
  );
  await ensurePreRegisteredClient(
    store,
    {
      clientId: DEMO_BATCH_JWT_CLIENT_ID,
      clientName: "Demo batch job (private_key_jwt)",
      // Checked like a key pasted in the admin console: public, for signing, importable.
      credential: { jwks: await checkPublicJwks({ keys: [config.seed.demoBatchJwtPublicKey] }) },
      credentialSetting: "DEMO_BATCH_JWT_PUBLIC_KEY",
      allowedScopes: [...DEMO_BATCH_SCOPES],
      allowedResources: [config.mcpResource],
      introspectionAllowed: false,
    },
    now,
  );
}

export const WEB_CLIENT_ID = "web";

/**
 * The web app's own confidential client for the internal API (docs/internal-api.md). Seeded in every
 * mode, demo data or not: without it nobody can sign in.
 */
export async function seedSystemClients(
  store: AuthStore,
  config: AuthServerConfig,
  now: Date,
): Promise<void> {
  await ensurePreRegisteredClient(
    store,
    {
      clientId: WEB_CLIENT_ID,
      clientName: "Sign-in and consent web app",
      credential: { secret: config.webClientSecret },
      credentialSetting: "WEB_CLIENT_SECRET",
      // The internal API (sign-in, consent, connected apps, admin console), and the MCP server's
      // admin audit endpoint; no other client is ever allowed these scopes.
      allowedScopes: [...scopesForAudience("internal"), ...scopesForAudience("mcp-admin")],
      allowedResources: [config.internalResource, config.mcpResource],
      // The web app is part of this deployment, the internal API's own front end, so it may ask about
      // tokens; a batch job, or any client that registered itself, may not (RFC 7662 §4).
      introspectionAllowed: true,
    },
    now,
  );
}

interface PreRegisteredMachineClient {
  clientId: string;
  clientName: string;
  /** A secret (client_secret_basic), or the public keys of a private_key_jwt client. */
  credential: { secret: string } | { jwks: ClientJwks };
  /** The environment variable the credential comes from, named in the audit row when it changes. */
  credentialSetting: string;
  allowedScopes: string[];
  allowedResources: string[];
  /** Whether it may call /introspect: only resource servers (oauth/introspect.ts). */
  introspectionAllowed: boolean;
}

/** Creates a client_credentials client, or brings its policy and credential in line with the config. */
async function ensurePreRegisteredClient(
  store: AuthStore,
  spec: PreRegisteredMachineClient,
  now: Date,
): Promise<void> {
  const allowed = {
    allowedScopes: spec.allowedScopes,
    allowedResources: spec.allowedResources,
    introspectionAllowed: spec.introspectionAllowed,
  };
  const { credential } = spec;
  await store.transaction(async (tx) => {
    const existing = await lockClient(tx, spec.clientId);
    if (!existing) {
      const inserted = await insertClientIfAbsent(tx, {
        clientId: spec.clientId,
        registrationType: "pre_registered",
        ...("secret" in credential
          ? {
              clientSecretDigest: secretDigest(credential.secret),
              tokenEndpointAuthMethod: "client_secret_basic",
            }
          : {
              clientSecretDigest: null,
              tokenEndpointAuthMethod: "private_key_jwt",
              jwks: credential.jwks,
            }),
        applicationType: "web",
        redirectUris: [],
        grantTypes: ["client_credentials"],
        responseTypes: [],
        clientName: spec.clientName,
        ...allowed,
        createdAt: now,
      });
      if (inserted) {
        await recordAuditEvent(
          tx,
          { event: "client.seeded", outcome: "success", clientId: spec.clientId },
          now,
        );
        return;
      }
    }
    // Resource URLs and credentials come from the environment; follow them when they change. The
    // policy is rewritten on every start, so a row created before introspection_allowed existed
    // (migration 0002 added it as false) gets the permission too: the seed, not the migration, owns
    // these clients.
    await updatePreRegisteredPolicy(tx, spec.clientId, allowed);
    const current = existing ?? (await findClient(tx, spec.clientId));
    const changed =
      "secret" in credential
        ? !secretMatchesDigest(credential.secret, current?.clientSecretDigest ?? null)
        : JSON.stringify(current?.jwks ?? null) !== JSON.stringify(credential.jwks);
    if (!changed) return;
    if ("secret" in credential) {
      await updateClientSecretDigest(tx, spec.clientId, secretDigest(credential.secret));
    } else {
      await updateClientKeys(tx, spec.clientId, credential.jwks);
    }
    await recordAuditEvent(
      tx,
      {
        event: "secret" in credential ? "client.secret_changed" : "client.keys_changed",
        outcome: "success",
        clientId: spec.clientId,
        details: { reason: `${spec.credentialSetting} changed` },
      },
      now,
    );
  });
}
