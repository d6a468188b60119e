// Signing keys: persisted, encrypted at rest, and rotated without breaking tokens already issued.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRemoteKeySet, verifyAccessToken } from "@repo/tokens";
import Database from "better-sqlite3";
import { decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config";
import { KeyDecryptionError } from "../src/keys/key-encryption";
import { createAuthServer } from "../src/server";
import { listAuditEvents } from "../src/store/audit";
import {
  json,
  MCP_RESOURCE,
  requestClientCredentialsToken,
  startTestAuthServer,
  type TestAuthServer,
} from "./support/test-server";

let directory: string;
beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), "auth-server-keys-"));
});
afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

async function issueToken(server: TestAuthServer): Promise<string> {
  return (await json(requestClientCredentialsToken(server))).access_token;
}

describe("key rotation", () => {
  it("keeps the old key in the JWKS until its last token has expired, then drops it", async () => {
    const server = await startTestAuthServer();
    try {
      const jwksUrl = server.url("/.well-known/jwks.json");
      const oldToken = await issueToken(server);
      const oldKid = decodeProtectedHeader(oldToken).kid;

      const newKid = await server.instance.server.keys.rotate("admin-user-id");
      expect(newKid).not.toBe(oldKid);
      const newToken = await issueToken(server);
      expect(decodeProtectedHeader(newToken).kid).toBe(newKid);

      const published = (await json(fetch(jwksUrl))).keys.map((key: { kid: string }) => key.kid);
      expect(published).toEqual([newKid, oldKid]);

      // A resource server that fetched the JWKS after rotation still accepts the older token.
      for (const token of [oldToken, newToken]) {
        await expect(
          verifyAccessToken(token, {
            issuer: server.issuer,
            audience: MCP_RESOURCE,
            keys: createRemoteKeySet(jwksUrl),
          }),
        ).resolves.toMatchObject({ client_id: "demo-batch" });
      }
      expect(server.instance.server.keys.status().map((key) => key.status)).toEqual([
        "active",
        "retired-published",
      ]);

      // Past the longest token lifetime plus clock tolerance, nothing the old key signed is valid.
      server.advanceClock(600 + 5 + 1);
      const afterExpiry = (await json(fetch(jwksUrl))).keys.map((key: { kid: string }) => key.kid);
      expect(afterExpiry).toEqual([newKid]);
      expect(server.instance.server.keys.status().map((key) => key.status)).toEqual([
        "active",
        "expired",
      ]);

      const audit = (await server.instance.server.store.run((x) => listAuditEvents(x))).filter(
        (event) => event.event.startsWith("signing_key."),
      );
      expect(audit.map((event) => [event.event, event.actorUserId])).toEqual(
        expect.arrayContaining([
          ["signing_key.retired", "admin-user-id"],
          ["signing_key.created", "admin-user-id"],
        ]),
      );
    } finally {
      await server.close();
    }
  });
});

describe("keys at rest", () => {
  const databasePath = () => join(directory, "persisted.sqlite");

  it("stores the private key only as a JWE, never as a plain JWK", async () => {
    const server = await startTestAuthServer({ AUTH_DATABASE_PATH: databasePath() });
    const kid = server.instance.server.keys.signingKey().kid;
    await server.close();

    const raw = new Database(databasePath(), { readonly: true });
    const row = raw.prepare("select * from signing_keys where kid = ?").get(kid) as {
      public_jwk: string;
      encrypted_private_jwk: string;
    };
    raw.close();
    expect(JSON.parse(row.public_jwk)).not.toHaveProperty("d");
    expect(row.encrypted_private_jwk.split(".")).toHaveLength(5);
    expect(row.encrypted_private_jwk).not.toContain('"d"');
    const header = JSON.parse(
      Buffer.from(row.encrypted_private_jwk.split(".")[0] ?? "", "base64url").toString(),
    );
    expect(header).toMatchObject({ alg: "dir", enc: "A256GCM", kid });
  });

  it("signs with the same key after a restart", async () => {
    const first = await startTestAuthServer({ AUTH_DATABASE_PATH: databasePath() });
    const kid = first.instance.server.keys.signingKey().kid;
    await first.close();
    const second = await startTestAuthServer({ AUTH_DATABASE_PATH: databasePath() });
    try {
      expect(second.instance.server.keys.signingKey().kid).toBe(kid);
    } finally {
      await second.close();
    }
  });

  it("refuses to start when KEY_ENCRYPTION_SECRET differs from the one the keys were stored with", async () => {
    const config = loadConfig({
      NODE_ENV: "test",
      AUTH_DATABASE_PATH: databasePath(),
      KEY_ENCRYPTION_SECRET: "a-completely-different-secret-0123456789",
      SEED_DEMO_DATA: "false",
    });
    await expect(createAuthServer(config)).rejects.toBeInstanceOf(KeyDecryptionError);
  });
});
