// The scope catalogue: every scope this deployment knows, with the words and risk a consent page shows.

import { isValidScope, isWildcardScope } from "./grammar";
import { grants } from "./matching";

export type RiskLevel = "low" | "medium" | "high";

/**
 * Which protected resource a scope is for: the MCP server (`mcp`), the authorization server's internal
 * API (`internal`), or the MCP server's administrative endpoints (`mcp-admin`). An `mcp-admin` scope
 * is carried by a token whose `aud` is the MCP server, but it is not an MCP scope: no person can
 * consent to it, the MCP server never advertises it, and only the client credentials grant issues it,
 * to a pre-registered client whose allow-list names it (the web app's admin console).
 */
export type ScopeAudience = "mcp" | "internal" | "mcp-admin";

export interface ScopeDefinition {
  name: string;
  title: string;
  description: string;
  risk: RiskLevel;
  audience: ScopeAudience;
}

export const RISK_LEVELS: readonly RiskLevel[] = Object.freeze(["low", "medium", "high"]);

function define(definition: ScopeDefinition): ScopeDefinition {
  // Shared by every importer in the process: a stray mutation must not change what consent shows.
  return Object.freeze(definition);
}

// offline_access and openid are deliberately absent: they are not permissions on a resource, and
// MCP 2026-07-28 (SEP-2207) keeps offline_access out of what a resource server advertises.
export const SCOPE_CATALOGUE: readonly ScopeDefinition[] = Object.freeze([
  define({
    name: "mcp:tools:sentiment:read",
    title: "Sentiment analysis",
    description:
      "Score how positive or negative a text, news headlines or a stock ticker is, and look up past sentiment.",
    risk: "low",
    audience: "mcp",
  }),
  define({
    name: "mcp:tools:climate",
    title: "Climate-risk sentiment",
    description: "Measure how positively or negatively the news talks about climate risks.",
    risk: "low",
    audience: "mcp",
  }),
  define({
    name: "mcp:data:news:read",
    title: "Read the news dataset",
    description: "Read the news articles that the sentiment tools analyse.",
    risk: "low",
    audience: "mcp",
  }),
  define({
    name: "mcp:data:watchlist:read",
    title: "See your watchlist",
    description: "See which stock tickers are on your own watchlist.",
    risk: "medium",
    audience: "mcp",
  }),
  define({
    name: "mcp:data:watchlist:write",
    title: "Change your watchlist",
    description: "Add stock tickers to your own watchlist and remove them from it.",
    risk: "medium",
    audience: "mcp",
  }),
  define({
    name: "mcp:data:client-info:read",
    title: "See connection details",
    description:
      "See what the server knows about this connection: which app is calling, for which person, with which permissions, and until when.",
    risk: "low",
    audience: "mcp",
  }),
  define({
    name: "mcp:operations:automation:*",
    title: "All automations",
    description:
      "Run every kind of automation on your behalf, such as scheduled sentiment digests and alerts, including kinds added later.",
    risk: "high",
    audience: "mcp",
  }),
  define({
    name: "mcp:operations:automation:digest",
    title: "Scheduled digests",
    description: "Set up sentiment digests that run on a schedule on your behalf.",
    risk: "high",
    audience: "mcp",
  }),
  define({
    name: "mcp:operations:automation:alerts",
    title: "Sentiment alerts",
    description: "Create alerts that watch sentiment and act on your behalf when it changes.",
    risk: "high",
    audience: "mcp",
  }),
  define({
    name: "admin:clients",
    title: "Manage apps",
    description:
      "Register, change and remove the apps (OAuth clients) that may connect to this service.",
    risk: "high",
    audience: "internal",
  }),
  define({
    name: "admin:users",
    title: "Manage users",
    description: "Create, change and disable the accounts of people who use this service.",
    risk: "high",
    audience: "internal",
  }),
  define({
    name: "admin:grants",
    title: "Manage granted access",
    description:
      "See and revoke the access people have given to apps, including the apps' active tokens.",
    risk: "high",
    audience: "internal",
  }),
  define({
    name: "admin:keys",
    title: "Rotate signing keys",
    description: "Replace the keys this service uses to sign access tokens.",
    risk: "high",
    audience: "internal",
  }),
  define({
    name: "admin:audit:read",
    title: "Read the audit log",
    description:
      "Read the record of sign-ins, consents, issued tokens and administrative changes on this service.",
    risk: "medium",
    audience: "internal",
  }),
  define({
    name: "internal:account",
    title: "Manage connected apps",
    description:
      "See which apps a signed-in person has allowed to act for them, and revoke that access; only this service's own web app may use it.",
    risk: "high",
    audience: "internal",
  }),
  define({
    name: "internal:interactions",
    title: "Drive sign-in and consent",
    description:
      "Carry out sign-in and consent steps for people; only this service's own web app may use it.",
    risk: "high",
    audience: "internal",
  }),
  define({
    name: "admin:mcp:audit:read",
    title: "Read the MCP server's tool-call log",
    description:
      "Read the MCP server's record of every tool call it answered or refused, with the app and person behind each.",
    risk: "medium",
    audience: "mcp-admin",
  }),
]);

const DEFINITION_BY_NAME: ReadonlyMap<string, ScopeDefinition> = new Map(
  SCOPE_CATALOGUE.map((definition) => [definition.name, definition]),
);

const CATALOGUE_POSITION: ReadonlyMap<ScopeDefinition, number> = new Map(
  SCOPE_CATALOGUE.map((definition, position) => [definition, position]),
);

// Longest first, so a scope under two catalogue wildcards is described by the narrower one.
const WILDCARD_DEFINITIONS: readonly ScopeDefinition[] = SCOPE_CATALOGUE.filter((definition) =>
  isWildcardScope(definition.name),
).sort((a, b) => b.name.length - a.name.length);

export function findScopeDefinition(scope: string): ScopeDefinition | undefined {
  return DEFINITION_BY_NAME.get(scope);
}

/** The catalogue entry that speaks for `scope`: its own, or the narrowest catalogue wildcard granting it. */
function definitionCovering(scope: string): ScopeDefinition | undefined {
  if (!isValidScope(scope)) return undefined;
  return (
    findScopeDefinition(scope) ??
    WILDCARD_DEFINITIONS.find((definition) => grants(definition.name, scope))
  );
}

/**
 * Known = valid and (in the catalogue by exact name, or granted by a catalogue wildcard entry, e.g.
 * "mcp:operations:automation:alerts" under "mcp:operations:automation:*").
 */
export function isKnownScope(scope: string): boolean {
  return definitionCovering(scope) !== undefined;
}

const RISK_RANK: Readonly<Record<RiskLevel, number>> = { low: 0, medium: 1, high: 2 };

/** Orders risk levels low < medium < high, as a comparator for `Array.prototype.sort`. */
export function compareRisk(a: RiskLevel, b: RiskLevel): number {
  return RISK_RANK[a] - RISK_RANK[b];
}

/**
 * The definitions to show a person on a consent screen for these scopes, highest risk first, then
 * catalogue order. A known scope without its own entry is described by the catalogue wildcard that
 * grants it; unknown scopes are omitted, so the authorization server must refuse them before consent.
 */
export function describeScopes(scopes: readonly string[]): ScopeDefinition[] {
  const definitions = new Set<ScopeDefinition>();
  for (const scope of scopes) {
    const definition = definitionCovering(scope);
    if (definition !== undefined) definitions.add(definition);
  }
  return [...definitions].sort(
    (a, b) =>
      compareRisk(b.risk, a.risk) ||
      (CATALOGUE_POSITION.get(a) ?? 0) - (CATALOGUE_POSITION.get(b) ?? 0),
  );
}

/** The catalogue's scope names for one protected resource, in catalogue order. */
export function scopesForAudience(audience: ScopeAudience): string[] {
  return SCOPE_CATALOGUE.filter((definition) => definition.audience === audience).map(
    (definition) => definition.name,
  );
}
