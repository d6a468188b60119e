import type { RiskLevel } from "@repo/scopes";

const LABELS: Record<RiskLevel, string> = {
  low: "Low risk",
  medium: "Medium risk",
  high: "High risk",
};

/** The catalogue's risk level in words, so colour is never the only signal. */
export function RiskBadge({ risk }: { risk: RiskLevel }) {
  return <span className={`badge badge-risk-${risk}`}>{LABELS[risk]}</span>;
}
