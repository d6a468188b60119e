// /internal/admin/keys (scope admin:keys): the signing keys and their rotation (docs/internal-api.md
// "Signing keys"). Rotation keeps the old public key in the JWKS until its tokens have expired.
import type {
  RotatedKeyResponse,
  SigningKey,
  SigningKeysResponse,
} from "@repo/contracts/admin-api";
import { Hono } from "hono";
import type { PublishedKeyStatus } from "../../keys/key-ring";
import type { AuthServer } from "../../server-context";
import type { ActingUserVariables } from "../acting-user";
import { isoTime } from "../pagination";

function keyView(key: PublishedKeyStatus, now: Date): SigningKey {
  return {
    kid: key.kid,
    alg: key.alg,
    createdAt: isoTime(key.createdAt),
    retiredAt: isoTime(key.retiredAt),
    ageSeconds: Math.max(0, Math.floor((now.getTime() - key.createdAt.getTime()) / 1000)),
    status: key.status,
  };
}

export function adminKeyRoutes(server: AuthServer): Hono<{ Variables: ActingUserVariables }> {
  const routes = new Hono<{ Variables: ActingUserVariables }>();
  const keyList = () => {
    const now = server.clock();
    return server.keys.status().map((key) => keyView(key, now));
  };

  routes.get("/", (c) => c.json({ items: keyList() } satisfies SigningKeysResponse));

  routes.post("/rotate", async (c) => {
    // KeyRing.rotate writes signing_key.created and signing_key.retired, naming the actor.
    const kid = await server.keys.rotate(c.get("actingUser").id);
    return c.json({ kid, items: keyList() } satisfies RotatedKeyResponse);
  });

  return routes;
}
