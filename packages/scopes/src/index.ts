// @repo/scopes: scope grammar, wildcard matching, the scope catalogue and challenge scopes.

export type { RiskLevel, ScopeAudience, ScopeDefinition } from "./catalogue";
export {
  compareRisk,
  describeScopes,
  findScopeDefinition,
  isKnownScope,
  RISK_LEVELS,
  SCOPE_CATALOGUE,
  scopesForAudience,
} from "./catalogue";
export { challengeScope, OFFLINE_ACCESS_SCOPE } from "./challenge";
export type { ScopeParseResult } from "./grammar";
export {
  formatScopeParameter,
  isValidScope,
  isWildcardScope,
  MAX_SCOPE_LENGTH,
  MAX_SCOPE_TOKENS,
  parseScopeParameter,
  scopeSyntaxError,
  WILDCARD_SEGMENT,
} from "./grammar";
export { grants, missingScopes, narrowScopes, satisfies, satisfiesAll } from "./matching";
export type { ToolAccess, ToolName } from "./tools";
export { isToolName, TOOL_ACCESS, TOOL_NAMES } from "./tools";
