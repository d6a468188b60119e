// Demo data from DESIGN.md "Demo defaults", created on first start and kept in line with the config.
import { randomUUID } from "node:crypto";
import type { AuthServerConfig } from "./config";
import type { Database } from "./db/database";
import { hashPassword } from "./security/passwords";
import { secretDigest, secretMatchesDigest } from "./security/secrets";
import { recordAuditEvent } from "./store/audit";
import {
  findClient,
  insertClient,
  updateClientSecretDigest,
  updatePreRegisteredPolicy,
} from "./store/clients";
import { findUserByEmail, insertUser } from "./store/users";

export const DEMO_BATCH_CLIENT_ID = "demo-batch";

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
  db: Database,
  config: AuthServerConfig,
  now: Date,
): Promise<void> {
  if (!config.seed.enabled) return;

  for (const demoUser of DEMO_USERS) {
    if (findUserByEmail(db, demoUser.email)) continue;
    const passwordHash = await hashPassword(config.seed[demoUser.passwordSetting]);
    db.transaction((tx) => {
      if (findUserByEmail(tx, demoUser.email)) return;
      const user = insertUser(tx, {
        id: randomUUID(),
        email: demoUser.email,
        displayName: demoUser.displayName,
        passwordHash,
        isAdmin: demoUser.isAdmin,
        createdAt: now,
      });
      recordAuditEvent(
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

  const allowed = {
    allowedScopes: [...DEMO_BATCH_SCOPES],
    allowedResources: [config.mcpResource],
  };
  db.transaction((tx) => {
    const existing = findClient(tx, DEMO_BATCH_CLIENT_ID);
    if (!existing) {
      insertClient(tx, {
        clientId: DEMO_BATCH_CLIENT_ID,
        registrationType: "pre_registered",
        clientSecretDigest: secretDigest(config.seed.demoBatchClientSecret),
        tokenEndpointAuthMethod: "client_secret_basic",
        applicationType: "web",
        redirectUris: [],
        grantTypes: ["client_credentials"],
        responseTypes: [],
        clientName: "Demo batch job",
        ...allowed,
        createdAt: now,
      });
      recordAuditEvent(
        tx,
        { event: "client.seeded", outcome: "success", clientId: DEMO_BATCH_CLIENT_ID },
        now,
      );
      return;
    }
    // The MCP resource URL and the secret come from the environment; follow them when they change.
    updatePreRegisteredPolicy(tx, DEMO_BATCH_CLIENT_ID, allowed);
    if (!secretMatchesDigest(config.seed.demoBatchClientSecret, existing.clientSecretDigest)) {
      updateClientSecretDigest(
        tx,
        DEMO_BATCH_CLIENT_ID,
        secretDigest(config.seed.demoBatchClientSecret),
      );
      recordAuditEvent(
        tx,
        {
          event: "client.secret_changed",
          outcome: "success",
          clientId: DEMO_BATCH_CLIENT_ID,
          details: { reason: "DEMO_BATCH_CLIENT_SECRET changed" },
        },
        now,
      );
    }
  });
}
