// /internal/admin: the admin console's API (docs/internal-api.md "Admin API"). Every route needs an
// enabled administrator as the acting user, checked here whatever the web app already checked. The
// scope each group of routes needs is @repo/contracts' ADMIN_ROUTE_SCOPES, checked in internal-api.ts.
import { Hono } from "hono";
import type { AuthServer } from "../../server-context";
import { type ActingUserVariables, requireActingUser } from "../acting-user";
import { adminAuditRoutes } from "./audit";
import { adminClientRoutes } from "./clients";
import { adminGrantRoutes } from "./grants";
import { adminKeyRoutes } from "./keys";
import { adminUserRoutes } from "./users";

export function adminApi(server: AuthServer): Hono<{ Variables: ActingUserVariables }> {
  const api = new Hono<{ Variables: ActingUserVariables }>();
  api.use(requireActingUser(server, { requireAdmin: true }));
  api.route("/clients", adminClientRoutes(server));
  api.route("/users", adminUserRoutes(server));
  api.route("/", adminGrantRoutes(server));
  api.route("/keys", adminKeyRoutes(server));
  api.route("/audit", adminAuditRoutes(server));
  return api;
}
