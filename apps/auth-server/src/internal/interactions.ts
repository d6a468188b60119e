// GET /internal/interactions/{id} and POST /internal/interactions/{id}/consent (docs/internal-api.md):
// what the consent page shows, and who may decide from which browser. The decision itself becomes the
// authorization response in oauth/authorization-response.ts.
import {
  BROWSER_BINDING_HEADER,
  type ClientDisplay,
  ConsentRequest,
  type ConsentResponse,
  type Interaction,
} from "@repo/contracts/internal-api";
import { describeScopes, satisfiesAll } from "@repo/scopes";
import { isLoopbackUrl } from "@repo/server-kit";
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { authorizationResponse } from "../oauth/authorization-response";
import { secretDigest, secretMatchesDigest } from "../security/secrets";
import type { AuthServer } from "../server-context";
import { audit } from "../store/audit";
import { type ClientRecord, findClient } from "../store/clients";
import { findConsent } from "../store/consents";
import {
  bindInteractionToBrowser,
  completeInteraction,
  findInteraction,
  type InteractionRecord,
} from "../store/interactions";
import type { UserRecord } from "../store/users";
import { hasActingUser, resolveActingUser } from "./acting-user";
import { InternalApiError, readJsonBody } from "./internal-error";

/** 256 bits or more, base64url: the web app sends an HMAC-SHA-256, 43 characters. */
const BrowserBinding = z.string().regex(/^[A-Za-z0-9_-]{43,128}$/);

async function pendingInteraction(
  server: AuthServer,
  id: string,
  now: Date,
): Promise<InteractionRecord> {
  const interaction =
    id.length <= 100 ? await server.store.run((x) => findInteraction(x, id)) : undefined;
  if (!interaction) {
    throw new InternalApiError("unknown_interaction", "no such authorization request", 404);
  }
  if (interaction.completedAt !== null || interaction.expiresAt.getTime() <= now.getTime()) {
    throw new InternalApiError(
      "interaction_expired",
      interaction.completedAt !== null
        ? "this authorization request has already been answered"
        : "this authorization request has expired",
      410,
    );
  }
  return interaction;
}

/** A client disabled after the request started must not collect a consent or a code. */
async function activeClient(server: AuthServer, clientId: string) {
  const client = await server.store.run((x) => findClient(x, clientId));
  if (!client || client.disabledAt !== null) {
    throw new InternalApiError(
      "unknown_interaction",
      "the client no longer exists or is disabled",
      404,
    );
  }
  return client;
}

/** A client as a person is shown it, on the consent screen and among their connected apps. */
export function clientDisplay(client: ClientRecord): ClientDisplay {
  return {
    clientId: client.clientId,
    name: client.clientName ?? client.clientId,
    uri: client.clientUri,
    logoUri: client.logoUri,
    registrationType: client.registrationType,
    // Self-registered clients (RFC 7591, metadata documents) chose their own name: AS-16.
    verified: client.registrationType === "pre_registered",
  };
}

function presentedBinding(c: Context): string {
  const binding = BrowserBinding.safeParse(c.req.header(BROWSER_BINDING_HEADER));
  if (!binding.success) {
    throw new InternalApiError(
      "invalid_request",
      `the ${BROWSER_BINDING_HEADER} header must carry this browser's binding for the consent page`,
      400,
    );
  }
  return binding.data;
}

/**
 * A consent link that leaks (a screenshot, a shared screen, a proxy log, a link pasted into a chat)
 * must not be completed from another browser, not even one signed in as the same person. The first
 * view binds the interaction to the browser that showed it; later views and the decision must come
 * from that browser. Only a digest is stored, as for client secrets.
 */
async function requireSameBrowser(
  server: AuthServer,
  c: Context,
  interaction: InteractionRecord,
  user: UserRecord | undefined,
  step: "view" | "decision",
): Promise<void> {
  const binding = presentedBinding(c);
  // A decision never binds: it must follow a view of the consent page in the same browser.
  if (
    step === "view" &&
    interaction.browserBinding === null &&
    (await server.store.run((x) =>
      bindInteractionToBrowser(x, interaction.id, secretDigest(binding)),
    ))
  ) {
    return;
  }
  // Read again: a racing first view in another browser may have bound it since we loaded it.
  const stored =
    (await server.store.run((x) => findInteraction(x, interaction.id)))?.browserBinding ?? null;
  if (secretMatchesDigest(binding, stored)) return;
  await audit(
    server.store,
    {
      event: "consent.refused",
      outcome: "failure",
      clientId: interaction.clientId,
      subject: user?.id,
      actorUserId: user?.id,
      details: {
        step,
        reason: stored === null ? "the consent page was never shown" : "another browser",
      },
    },
    server.clock(),
  );
  throw new InternalApiError(
    "wrong_browser",
    "this authorization request was opened in another browser and can be completed only there",
    403,
  );
}

export function interactionRoutes(server: AuthServer): Hono {
  const routes = new Hono();

  routes.get("/:id", async (c) => {
    const now = server.clock();
    const interaction = await pendingInteraction(server, c.req.param("id"), now);
    const client = await activeClient(server, interaction.clientId);
    // Signed out, the page is shown only to send the person to sign in; signed in, the session must
    // be current (a reset or "sign out everywhere" ended it) before remembered consent counts.
    const user = hasActingUser(c)
      ? await resolveActingUser(server, c, { requireAdmin: false })
      : undefined;
    await requireSameBrowser(server, c, interaction, user, "view");
    const resource = server.resources.find((entry) => entry.identifier === interaction.resource);
    const redirect = new URL(interaction.redirectUri);
    const loopbackRedirect = isLoopbackUrl(redirect);
    let previouslyApproved = false;
    if (user !== undefined) {
      const consent = await server.store.run((x) =>
        findConsent(x, {
          userId: user.id,
          clientId: client.clientId,
          resource: interaction.resource,
        }),
      );
      previouslyApproved =
        consent !== undefined && satisfiesAll(consent.scopes, interaction.scopes);
    }
    // RFC 8252 §8.6 / OAuth 2.1 §7.4.2: a request is approved without the person only when the code
    // can reach no one but the client. A loopback redirect reaches any program on the machine that
    // listens on a port, and anyone can start a request with a public client's id, so a remembered
    // consent there still needs one click; an exact https redirect delivers the code to its owner only.
    const consentRemembered = previouslyApproved && !loopbackRedirect;
    c.header("Cache-Control", "no-store");
    return c.json({
      id: interaction.id,
      expiresAt: interaction.expiresAt.toISOString(),
      client: clientDisplay(client),
      redirectUri: interaction.redirectUri,
      redirectHost: redirect.hostname,
      loopbackRedirect,
      resource: { identifier: interaction.resource, name: resource?.name ?? interaction.resource },
      scopes: describeScopes(interaction.scopes).map((scope) => ({
        name: scope.name,
        title: scope.title,
        description: scope.description,
        risk: scope.risk,
      })),
      previouslyApproved,
      consentRemembered,
    } satisfies Interaction);
  });

  routes.post("/:id/consent", async (c) => {
    const body = ConsentRequest.safeParse(await readJsonBody(c));
    if (!body.success) {
      throw new InternalApiError(
        "invalid_request",
        'a decision ("allow" or "deny") is required',
        400,
      );
    }
    const now = server.clock();
    const interaction = await pendingInteraction(server, c.req.param("id"), now);
    await activeClient(server, interaction.clientId);
    const user = await resolveActingUser(server, c, { requireAdmin: false });
    await requireSameBrowser(server, c, interaction, user, "decision");
    const { issuer } = server.config;

    const redirectTo = await server.store.transaction(async (tx) => {
      // Compare-and-set: a second decision (double submit, replayed form) finds it completed.
      if (!(await completeInteraction(tx, interaction.id, user.id, now))) {
        throw new InternalApiError(
          "interaction_expired",
          "this authorization request has already been answered",
          410,
        );
      }
      return authorizationResponse(tx, {
        interaction,
        userId: user.id,
        decision: body.data.decision,
        issuer,
        now,
      });
    });
    c.header("Cache-Control", "no-store");
    return c.json({ redirectTo } satisfies ConsentResponse);
  });

  return routes;
}
