// Two replicas on one PostgreSQL database, requests sent to both at once: what must happen once
// happens once, whichever replica each request reaches (docs/authorization-server.md "Storage").
import { describe, expect, it } from "vitest";
import { secretDigest } from "../../src/security/secrets";
import { listAuditEvents } from "../../src/store/audit";
import { findConsent } from "../../src/store/consents";
import { findRefreshToken } from "../../src/store/grants";
import { callInternal } from "../support/admin";
import {
  browserBinding,
  introspect,
  logIn,
  obtainAuthorizationCode,
  postDecision,
  redeemCode,
  refresh,
  registerPublicClient,
  startClientInteraction,
  viewInteraction,
} from "../support/authorization";
import {
  basicAuthorization,
  DEMO_BATCH,
  form,
  type JsonBody,
  json,
  MCP_RESOURCE,
  requestClientCredentialsToken,
} from "../support/test-server";
import { acrossReplicas, services, useDeployment } from "./replicas";

async function statusesAndBodies(responses: Response[]) {
  return Promise.all(
    responses.map(async (response) => ({ status: response.status, body: await json(response) })),
  );
}

describe.runIf(services)("two replicas sharing one PostgreSQL database", () => {
  const deployment = useDeployment();

  it("redeem an authorization code exactly once among 50 parallel redemptions split across both, and revoke the grant (code replay across replicas)", async () => {
    const [first] = deployment.replicas;
    const authorized = await obtainAuthorizationCode(first);
    const answers = await statusesAndBodies(
      await acrossReplicas(deployment.replicas, 50, (replica) => redeemCode(replica, authorized)),
    );
    const won = answers.filter((answer) => answer.status === 200);
    expect(won).toHaveLength(1);
    const lost = answers.filter((answer) => answer.status !== 200);
    expect(lost).toHaveLength(49);
    for (const answer of lost) {
      expect(answer).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    }
    // The replays revoked what the one redemption issued (OAuth 2.1 §4.1.3), on either replica.
    const tokens = won[0]?.body as JsonBody;
    for (const replica of deployment.replicas) {
      expect((await introspect(replica, tokens.access_token)).active).toBe(false);
      const refreshed = await refresh(replica, authorized.clientId, tokens.refresh_token);
      expect((await json(refreshed)).error).toBe("invalid_grant");
    }
  });

  it("rotate one refresh token once among parallel refreshes split across both: within the retry grace each is a retry, and one refresh token is left live", async () => {
    const [first, second] = deployment.replicas;
    const authorized = await obtainAuthorizationCode(first);
    const tokens = await json(redeemCode(first, authorized));
    const responses = await acrossReplicas(deployment.replicas, 10, (replica) =>
      refresh(replica, authorized.clientId, tokens.refresh_token),
    );
    // The existing rule (test/refresh-token-reuse.test.ts): a rotated token presented again within
    // REFRESH_REUSE_GRACE_SECONDS, its successor unused, is a retry that withdraws that successor.
    // However the ten interleave across the replicas, the chain keeps exactly one live end.
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
    const issued = await Promise.all(responses.map((response) => json(response)));
    const rows = await Promise.all(
      issued.map((body) =>
        second.instance.server.store.run((x) =>
          findRefreshToken(x, secretDigest(body.refresh_token)),
        ),
      ),
    );
    const live = issued.filter(
      (_, index) => rows[index]?.rotatedAt === null && rows[index]?.revokedAt === null,
    );
    expect(live).toHaveLength(1);
    const rotations = await first.instance.server.store.run((x) =>
      listAuditEvents(x, { event: "refresh_token.rotated", limit: 1000 }),
    );
    expect(rotations.filter((row) => row.subject === authorized.userId)).toHaveLength(1);
    // The live one works on the other replica; a withdrawn one ends the family there too.
    const withdrawn = issued.find((body) => body !== live[0]) as JsonBody;
    expect((await refresh(second, authorized.clientId, live[0]?.refresh_token)).status).toBe(200);
    expect((await json(refresh(first, authorized.clientId, withdrawn.refresh_token))).error).toBe(
      "invalid_grant",
    );
  });

  it("complete an interaction once among 20 parallel decisions split across both (a replayed consent form)", async () => {
    const [first] = deployment.replicas;
    const client = await registerPublicClient(first);
    const interaction = await startClientInteraction(first, client);
    const userId = await logIn(first);
    const binding = browserBinding();
    expect((await viewInteraction(first, interaction, { userId, binding })).status).toBe(200);
    const answers = await statusesAndBodies(
      await acrossReplicas(deployment.replicas, 20, (replica) =>
        postDecision(replica, interaction, "allow", { userId, binding }),
      ),
    );
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    for (const answer of answers.filter((entry) => entry.status !== 200)) {
      expect(answer).toMatchObject({ status: 410, body: { error: "interaction_expired" } });
    }
    const codes = await first.instance.server.store.run((x) =>
      listAuditEvents(x, { event: "consent.granted", clientId: client.clientId }),
    );
    expect(codes).toHaveLength(1);
  });

  it("apply one consent decision when allow and deny race on the two replicas", async () => {
    const [first, second] = deployment.replicas;
    const client = await registerPublicClient(first);
    const interaction = await startClientInteraction(first, client);
    const userId = await logIn(first);
    const binding = browserBinding();
    expect((await viewInteraction(first, interaction, { userId, binding })).status).toBe(200);
    const [allowed, denied] = await Promise.all([
      postDecision(first, interaction, "allow", { userId, binding }),
      postDecision(second, interaction, "deny", { userId, binding }),
    ]);
    expect([allowed.status, denied.status].sort()).toEqual([200, 410]);
    const consent = await second.instance.server.store.run((x) =>
      findConsent(x, { userId, clientId: client.clientId, resource: MCP_RESOURCE }),
    );
    // A consent is remembered exactly when the allow won; the losing decision changed nothing.
    expect(consent !== undefined).toBe(allowed.status === 200);
  });

  it("merge the consents for one person, client and resource decided at once on both replicas", async () => {
    const [first] = deployment.replicas;
    const client = await registerPublicClient(first);
    const userId = await logIn(first);
    const scopes = [
      "mcp:tools:sentiment:read",
      "mcp:tools:climate",
      "mcp:data:news:read",
      "mcp:data:watchlist:read",
      "mcp:data:client-info:read",
      "mcp:operations:automation:digest",
    ];
    // Six requests, each for one scope, shown and then decided at the same moment, alternating
    // between the replicas: each decision adds its scope to the one remembered consent.
    const decisions = await acrossReplicas(
      deployment.replicas,
      scopes.length,
      async (replica, i) => {
        const interaction = await startClientInteraction(replica, client, { scope: scopes[i] });
        const binding = browserBinding();
        expect((await viewInteraction(replica, interaction, { userId, binding })).status).toBe(200);
        return () => postDecision(replica, interaction, "allow", { userId, binding });
      },
    );
    const answered = await Promise.all(decisions.map((decide) => decide()));
    expect(answered.map((response) => response.status)).toEqual(Array(scopes.length).fill(200));
    const consent = await first.instance.server.store.run((x) =>
      findConsent(x, { userId, clientId: client.clientId, resource: MCP_RESOURCE }),
    );
    // No decision overwrote another's scopes (a lost update): the consent holds all six.
    expect(consent?.scopes).toEqual([...scopes].sort());
  });

  it("create one client when two administrators create the same client id on both replicas at once", async () => {
    const answers = await acrossReplicas(deployment.replicas, 6, (replica) =>
      callInternal(replica, "/admin/clients", {
        body: {
          name: "Nightly report",
          clientId: "nightly-report",
          allowedScopes: ["mcp:tools:climate"],
        },
      }),
    );
    const statuses = answers.map((response) => response.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
  });

  it("refuse, at the other replica's introspection, an access token revoked at one replica", async () => {
    const [first, second] = deployment.replicas;
    const token = (await json(requestClientCredentialsToken(second))).access_token as string;
    expect((await introspect(second, token)).active).toBe(true);
    const request = form({ token, token_type_hint: "access_token" });
    const revoked = await fetch(first.url("/revoke"), {
      method: "POST",
      headers: {
        ...request.headers,
        Authorization: basicAuthorization(DEMO_BATCH.clientId, DEMO_BATCH.clientSecret),
      },
      body: request.body,
    });
    expect(revoked.status).toBe(200);
    expect(await introspect(second, token)).toEqual({ active: false });
  });
});

describe.runIf(services)("two replicas with REFRESH_REUSE_GRACE_SECONDS=0", () => {
  const deployment = useDeployment({ REFRESH_REUSE_GRACE_SECONDS: "0" });

  it("let one of parallel refreshes split across both win, and end the family on the rest (refresh token reuse across replicas)", async () => {
    const [first, second] = deployment.replicas;
    const authorized = await obtainAuthorizationCode(first);
    const tokens = await json(redeemCode(first, authorized));
    const answers = await statusesAndBodies(
      await acrossReplicas(deployment.replicas, 10, (replica) =>
        refresh(replica, authorized.clientId, tokens.refresh_token),
      ),
    );
    const won = answers.filter((answer) => answer.status === 200);
    expect(won).toHaveLength(1);
    for (const answer of answers.filter((entry) => entry.status !== 200)) {
      expect(answer).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    }
    // Without a grace any second use is a reuse (RFC 9700 §4.14.2): the winner's pair dies with it.
    const winner = won[0]?.body as JsonBody;
    expect((await json(refresh(second, authorized.clientId, winner.refresh_token))).error).toBe(
      "invalid_grant",
    );
    expect((await introspect(first, winner.access_token)).active).toBe(false);
  });
});
