// The auth-server's internal API (docs/internal-api.md) as both sides see it: its routes and the scope
// each needs, the headers that name who a call is for, and every request and response body. The
// auth-server types what it answers against these schemas; the web app parses what it receives with them.
import { z } from "zod";
import { ADMIN_API_PATH, ADMIN_ROUTE_SCOPES, Revocation } from "./admin-api";
import { Time } from "./conventions";

export { ErrorBody } from "./conventions";

export const INTERNAL_API_PATH = "/internal";
/** Login and consent: what the web app's every page may need. */
export const INTERNAL_API_SCOPE = "internal:interactions";
/** A signed-in person's connected apps and sessions. */
export const ACCOUNT_SCOPE = "internal:account";

/** docs/internal-api.md "Scopes of the internal API": each group of routes and the scope it needs. */
export const INTERNAL_ROUTE_SCOPES: readonly { prefix: string; scope: string }[] = [
  { prefix: `${INTERNAL_API_PATH}/login`, scope: INTERNAL_API_SCOPE },
  { prefix: `${INTERNAL_API_PATH}/interactions`, scope: INTERNAL_API_SCOPE },
  { prefix: `${INTERNAL_API_PATH}/account`, scope: ACCOUNT_SCOPE },
  ...ADMIN_ROUTE_SCOPES.map(({ prefix, scope }) => ({
    prefix: `${INTERNAL_API_PATH}${ADMIN_API_PATH}${prefix}`,
    scope,
  })),
];

/** docs/internal-api.md "The acting user": the signed-in person a call is made for. */
export const ACTING_USER_HEADER = "Acting-User";
/** The session epoch login returned; a reset or "sign out everywhere" raises the person's. */
export const SESSION_EPOCH_HEADER = "Acting-User-Session-Epoch";
/** docs/internal-api.md "The browser binding": what the web app derived from its browser's cookie. */
export const BROWSER_BINDING_HEADER = "Browser-Binding";

/** The `error` codes of the internal API's refusals. */
export type InternalErrorCode =
  | "invalid_request"
  | "invalid_credentials"
  | "too_many_attempts"
  | "unknown_interaction"
  | "interaction_expired"
  | "forbidden"
  /** The web session's epoch is not the person's current one: sign in again. */
  | "session_ended"
  /** The consent page was first opened in another browser. */
  | "wrong_browser"
  | "not_found"
  | "conflict";

// POST /internal/login

export const LoginRequest = z.object({
  email: z.string().min(1).max(320),
  password: z.string().min(1).max(1024),
  /** The browser's address as the web app saw it, for throttling and the audit log. */
  clientAddress: z.string().max(100).optional(),
});

export const SignedInUser = z.object({
  id: z.string().min(1),
  email: z.string(),
  name: z.string(),
  isAdmin: z.boolean(),
  /** Sent back with every call made for the person: raising it ends every older session. */
  sessionEpoch: z.number().int().nonnegative(),
});
export type SignedInUser = z.infer<typeof SignedInUser>;

export const LoginResponse = z.object({ user: SignedInUser });
export type LoginResponse = z.infer<typeof LoginResponse>;

// GET /internal/interactions/{id}, POST /internal/interactions/{id}/consent

/** A client as a person is shown it: on the consent screen and among their connected apps. */
export const ClientDisplay = z.object({
  clientId: z.string(),
  // Dynamically registered clients may have registered without a `client_name`.
  name: z.string().nullable(),
  uri: z.string().nullable(),
  logoUri: z.string().nullable(),
  registrationType: z.string(),
  /** Pre-registered: its name was checked by an administrator, not chosen by the client itself. */
  verified: z.boolean(),
});
export type ClientDisplay = z.infer<typeof ClientDisplay>;

export const ResourceDescription = z.object({ identifier: z.string(), name: z.string() });
export type ResourceDescription = z.infer<typeof ResourceDescription>;

/** A scope in the words of the scope catalogue (@repo/scopes). */
export const ScopeDescription = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  risk: z.enum(["low", "medium", "high"]),
});
export type ScopeDescription = z.infer<typeof ScopeDescription>;

/** A pending authorization request, as the consent page shows it. */
export const Interaction = z.object({
  id: z.string(),
  expiresAt: z.string(),
  client: ClientDisplay,
  redirectUri: z.string(),
  redirectHost: z.string(),
  loopbackRedirect: z.boolean(),
  resource: ResourceDescription,
  scopes: z.array(ScopeDescription),
  /** The user already allowed this client everything it asks for now. */
  previouslyApproved: z.boolean(),
  /**
   * The request may complete without the screen: previously approved, and the code can reach no one
   * but the client (not a loopback redirect, RFC 8252 §8.6).
   */
  consentRemembered: z.boolean(),
});
export type Interaction = z.infer<typeof Interaction>;

/** The person is the acting user; the body carries only the decision. */
export const ConsentRequest = z.object({ decision: z.enum(["allow", "deny"]) });
export type ConsentDecision = z.infer<typeof ConsentRequest>["decision"];

/** Where the browser goes next: the client's redirect URI with the authorization response. */
export const ConsentResponse = z.object({ redirectTo: z.url() });
export type ConsentResponse = z.infer<typeof ConsentResponse>;

// /internal/account

export const ConnectedApp = z.object({
  client: ClientDisplay,
  resources: z.array(ResourceDescription),
  scopes: z.array(ScopeDescription),
  connectedAt: Time,
  lastUsedAt: Time,
  activeGrants: z.number().int().nonnegative(),
});
export type ConnectedApp = z.infer<typeof ConnectedApp>;

export const ConnectedAppsResponse = z.object({ items: z.array(ConnectedApp) });
export type ConnectedAppsResponse = z.infer<typeof ConnectedAppsResponse>;

export const RevokeConnectedAppRequest = z.strictObject({
  clientId: z.string().min(1).max(2048),
});

export const RevokeConnectedAppResponse = Revocation.extend({ clientId: z.string() });
export type RevokeConnectedAppResponse = z.infer<typeof RevokeConnectedAppResponse>;

export const SignOutEverywhereRequest = z.strictObject({});

export const SignOutEverywhereResponse = z.object({
  removedConsents: z.number().int().nonnegative(),
});
export type SignOutEverywhereResponse = z.infer<typeof SignOutEverywhereResponse>;
