// Replicas starting at the same moment on an empty PostgreSQL database: both start, the migrations
// are applied once, and the first signing key and the seed are made once between them.
import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { listAuditEvents } from "../../src/store/audit";
import { listSigningKeys } from "../../src/store/signing-keys";
import { introspect } from "../support/authorization";
import { json, requestClientCredentialsToken, startTestAuthServer } from "../support/test-server";
import { ISSUER, services, startDeployment, stopDeployment } from "./replicas";

/** The PostgreSQL migrations in the repository: each must be applied exactly once. */
const MIGRATIONS = (
  JSON.parse(
    readFileSync(new URL("../../drizzle-postgres/meta/_journal.json", import.meta.url), "utf8"),
  ) as { entries: unknown[] }
).entries.length;

describe.runIf(services)("two replicas starting at once on an empty database", () => {
  // Three fresh databases: the race between the two starts is decided anew each time.
  it.each([1, 2, 3])("both start, migrate once and seed once (round %i)", async () => {
    const deployment = await startDeployment({}, "auth_startup");
    try {
      const [first, second] = deployment.replicas;
      for (const replica of deployment.replicas) {
        expect((await fetch(replica.url("/health"))).status).toBe(200);
      }
      const { store } = first.instance.server;
      const journal = await store.run(({ db }) =>
        db.execute(sql`select count(*)::int as applied from drizzle.auth_server_migrations`),
      );
      expect(journal.rows[0]).toEqual({ applied: MIGRATIONS });
      const counts = await store.run(({ db }) =>
        db.execute(
          sql`select (select count(*)::int from users) as users, (select count(*)::int from clients) as clients`,
        ),
      );
      expect(counts.rows[0]).toEqual({ users: 2, clients: 3 });
      const audit = await store.run((x) => listAuditEvents(x, { limit: 1000 }));
      const seeded = audit.filter((row) => row.event.endsWith(".seeded")).map((row) => row.event);
      expect(seeded.sort()).toEqual([
        "client.seeded",
        "client.seeded",
        "client.seeded",
        "user.seeded",
        "user.seeded",
      ]);
      const keys = await store.run((x) => listSigningKeys(x));
      expect(keys).toHaveLength(1);
      expect(audit.filter((row) => row.event === "signing_key.created")).toHaveLength(1);
      // One key between them: a token from one verifies at the other.
      const token = (await json(requestClientCredentialsToken(first))).access_token as string;
      expect((await introspect(second, token)).active).toBe(true);
    } finally {
      await stopDeployment(deployment);
    }
  });

  it("lets a later replica join the running database without migrating or seeding again", async () => {
    const deployment = await startDeployment({}, "auth_startup_join");
    try {
      const { database } = deployment;
      const third = await startTestAuthServer(
        { AUTH_DATABASE_URL: database.url },
        { issuer: ISSUER },
      );
      try {
        const audit = await third.instance.server.store.run((x) =>
          listAuditEvents(x, { limit: 1000 }),
        );
        expect(audit.filter((row) => row.event.endsWith(".seeded"))).toHaveLength(5);
        const token = (await json(requestClientCredentialsToken(third))).access_token as string;
        expect((await introspect(deployment.replicas[0], token)).active).toBe(true);
      } finally {
        await third.close();
      }
    } finally {
      await stopDeployment(deployment);
    }
  });
});
