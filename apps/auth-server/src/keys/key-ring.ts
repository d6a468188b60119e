// The signing keys in use: one active ES256 key signs; retired keys stay in the JWKS until every token
// they signed has expired, so rotation never breaks a resource server.
//
// Each process holds the key set in memory (the JWKS and the verification keys are built from it) and
// reloads it from the database every KEY_RELOAD_SECONDS, so a rotation on one replica reaches every
// other replica's JWKS, introspection and signing within that many seconds. Caching per process is
// safe: the database is the one source, and a retired key stays published far longer than the
// reload interval, so no replica ever publishes too few keys for the tokens it or its peers signed.
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
import type { AuthStore } from "../db/database";
import { recordAuditEvent } from "../store/audit";
import {
  insertSigningKey,
  listSigningKeys,
  lockSigningKeys,
  retireActiveSigningKeys,
  type SigningKeyRecord,
} from "../store/signing-keys";
import { decryptPrivateJwk, encryptPrivateJwk, type KeyEncryptionKey } from "./key-encryption";

export interface KeyRingOptions {
  store: AuthStore;
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
  /** Reloads started and the latest one applied: an older read never overwrites a newer one. */
  private reloadsStarted = 0;
  private reloadApplied = 0;

  private constructor(private readonly options: KeyRingOptions) {}

  /**
   * Loads the stored keys, creating the first one on a fresh database. On PostgreSQL the server opens
   * it while it holds the migration lock (the store's `prepare`), so replicas starting together on an
   * empty database create one first key between them.
   */
  static async open(options: KeyRingOptions): Promise<KeyRing> {
    const ring = new KeyRing(options);
    const stored = await options.store.run((x) => listSigningKeys(x));
    if (!stored.some((key) => key.retiredAt === null)) {
      await ring.addKey({ retirePrevious: false, reason: "first start" });
    }
    await ring.reload();
    return ring;
  }

  /**
   * Reloads the key set from the database every `seconds`, so rotations on other replicas are seen
   * here. The timer is unref'd; a failed reload is reported and the keys in hand stay in use.
   */
  reloadEvery(seconds: number, reportError: (error: unknown) => void): { stop(): void } {
    const timer = setInterval(() => {
      this.reload().catch(reportError);
    }, seconds * 1000);
    timer.unref();
    return { stop: () => clearInterval(timer) };
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

  /**
   * Verification keys for this server's own checks (introspection), following the same policy as the
   * JWKS. Cached per process and rebuilt when the published set changes: safe, as the JWKS is.
   */
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
    const { store, keyEncryptionKey, clock } = this.options;
    const generated = await generateSigningKey();
    const encryptedPrivateJwk = await encryptPrivateJwk(
      generated.privateJwk,
      generated.kid,
      keyEncryptionKey,
    );
    const now = clock();
    await store.transaction(async (tx) => {
      // Two rotations at once (two replicas, two administrators) run one after the other, so the
      // second retires the key the first inserted and exactly one key stays active.
      await lockSigningKeys(tx);
      const retired = input.retirePrevious ? await retireActiveSigningKeys(tx, now) : [];
      await insertSigningKey(tx, {
        kid: generated.kid,
        alg: "ES256",
        publicJwk: generated.publicJwk as Record<string, unknown>,
        encryptedPrivateJwk,
        createdAt: now,
      });
      for (const kid of retired) {
        await recordAuditEvent(
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
      await recordAuditEvent(
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

  /** Reads the key set again; the private key is decrypted only when the active key changed. */
  async reload(): Promise<void> {
    const { store, keyEncryptionKey } = this.options;
    const reload = ++this.reloadsStarted;
    const records = await store.run((x) => listSigningKeys(x));
    const activeRecords = records.filter((record) => record.retiredAt === null);
    // Two SQLite processes starting on one fresh file could each create a key; the newest one signs.
    const newest = activeRecords[0];
    if (!newest) throw new Error("no active signing key in the database");
    let active = this.active;
    if (active?.kid !== newest.kid) {
      const privateJwk = await decryptPrivateJwk(
        newest.encryptedPrivateJwk,
        newest.kid,
        keyEncryptionKey,
      );
      active = await importSigningKey(privateJwk);
    }
    // A timer's reload that read the keys before a rotation here must not undo the rotation's reload.
    if (reload < this.reloadApplied) return;
    this.reloadApplied = reload;
    this.active = active;
    this.records = records;
  }
}
