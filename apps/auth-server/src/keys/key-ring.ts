// The signing keys in use: one active ES256 key signs; retired keys stay in the JWKS until every token
// they signed has expired, so rotation never breaks a resource server.
import {
  type AccessTokenKeySource,
  createLocalKeySet,
  generateSigningKey,
  importSigningKey,
  publishableKeys,
  type SigningKey,
  toJwks,
} from "@repo/tokens";
import type { JWK } from "jose";
import type { Database } from "../db/database";
import { recordAuditEvent } from "../store/audit";
import {
  insertSigningKey,
  listSigningKeys,
  retireActiveSigningKeys,
  type SigningKeyRecord,
} from "../store/signing-keys";
import { decryptPrivateJwk, encryptPrivateJwk, type KeyEncryptionKey } from "./key-encryption";

export interface KeyRingOptions {
  db: Database;
  keyEncryptionKey: KeyEncryptionKey;
  clock: () => Date;
  /** The longest an access token lives: how long a retired key must stay published. */
  maxTokenLifetimeSeconds: number;
  clockToleranceSeconds: number;
}

export interface PublishedKeyStatus {
  kid: string;
  alg: string;
  createdAt: Date;
  retiredAt: Date | null;
  status: "active" | "retired-published" | "expired";
}

export class KeyRing {
  private records: SigningKeyRecord[] = [];
  private active: SigningKey | undefined;
  private verificationKeys: { kids: string; source: AccessTokenKeySource } | undefined;

  private constructor(private readonly options: KeyRingOptions) {}

  /** Loads the stored keys, creating the first one on a fresh database. */
  static async open(options: KeyRingOptions): Promise<KeyRing> {
    const ring = new KeyRing(options);
    if (!listSigningKeys(options.db).some((key) => key.retiredAt === null)) {
      await ring.addKey({ retirePrevious: false, reason: "first start" });
    }
    await ring.reload();
    return ring;
  }

  /** The key that signs new tokens. */
  signingKey(): SigningKey {
    if (!this.active) throw new Error("key ring has no active signing key");
    return this.active;
  }

  /** RFC 7517 JWK Set of every key a resource server may still meet in an unexpired token. */
  jwks(): { keys: JWK[] } {
    return toJwks(this.published());
  }

  /** Verification keys for this server's own checks (introspection), following the same policy as the JWKS. */
  keySource(): AccessTokenKeySource {
    const published = this.published();
    const kids = published.map((key) => key.kid).join(",");
    if (this.verificationKeys?.kids !== kids) {
      this.verificationKeys = { kids, source: createLocalKeySet(toJwks(published)) };
    }
    return this.verificationKeys.source;
  }

  status(): PublishedKeyStatus[] {
    const published = new Set(this.published().map((key) => key.kid));
    return this.records.map((record) => ({
      kid: record.kid,
      alg: record.alg,
      createdAt: record.createdAt,
      retiredAt: record.retiredAt,
      status:
        record.retiredAt === null
          ? "active"
          : published.has(record.kid)
            ? "retired-published"
            : "expired",
    }));
  }

  /** Makes a new key active now; the previous one keeps verifying until its tokens have expired. */
  async rotate(actorUserId?: string): Promise<string> {
    const kid = await this.addKey({ retirePrevious: true, reason: "rotation", actorUserId });
    await this.reload();
    return kid;
  }

  private published() {
    const { clock, maxTokenLifetimeSeconds, clockToleranceSeconds } = this.options;
    return publishableKeys(
      this.records.map((record) => ({
        kid: record.kid,
        publicJwk: record.publicJwk as JWK,
        createdAt: record.createdAt,
        retiredAt: record.retiredAt,
      })),
      { now: clock(), maxTokenLifetimeSeconds, clockToleranceSeconds },
    );
  }

  private async addKey(input: {
    retirePrevious: boolean;
    reason: string;
    actorUserId?: string | undefined;
  }): Promise<string> {
    const { db, keyEncryptionKey, clock } = this.options;
    const generated = await generateSigningKey();
    const encryptedPrivateJwk = await encryptPrivateJwk(
      generated.privateJwk,
      generated.kid,
      keyEncryptionKey,
    );
    const now = clock();
    db.transaction((tx) => {
      const retired = input.retirePrevious ? retireActiveSigningKeys(tx, now) : [];
      insertSigningKey(tx, {
        kid: generated.kid,
        alg: "ES256",
        publicJwk: generated.publicJwk as Record<string, unknown>,
        encryptedPrivateJwk,
        createdAt: now,
      });
      for (const kid of retired) {
        recordAuditEvent(
          tx,
          {
            event: "signing_key.retired",
            outcome: "success",
            actorUserId: input.actorUserId,
            details: { kid, replacedBy: generated.kid },
          },
          now,
        );
      }
      recordAuditEvent(
        tx,
        {
          event: "signing_key.created",
          outcome: "success",
          actorUserId: input.actorUserId,
          details: { kid: generated.kid, alg: "ES256", reason: input.reason },
        },
        now,
      );
    });
    return generated.kid;
  }

  private async reload(): Promise<void> {
    const { db, keyEncryptionKey } = this.options;
    this.records = listSigningKeys(db);
    const activeRecords = this.records.filter((record) => record.retiredAt === null);
    // Two processes starting on one fresh database could each create a key; the newest one signs.
    const newest = activeRecords[0];
    if (!newest) throw new Error("no active signing key in the database");
    const privateJwk = await decryptPrivateJwk(
      newest.encryptedPrivateJwk,
      newest.kid,
      keyEncryptionKey,
    );
    this.active = await importSigningKey(privateJwk);
  }
}
