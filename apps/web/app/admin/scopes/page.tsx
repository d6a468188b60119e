// Every scope this deployment knows (@repo/scopes), with its risk and the MCP tools that need it (the
// tool → scope table the MCP server enforces, from the same package).
import { grants, SCOPE_CATALOGUE, TOOL_ACCESS } from "@repo/scopes";
import type { Metadata } from "next";
import { requireAdmin } from "../../../lib/console-access";
import { DataTable } from "../../_components/console";
import { RiskBadge } from "../../_components/risk-badge";

export const metadata: Metadata = { title: "Scopes" };

const RESOURCE_NAMES: Record<string, string> = {
  mcp: "MCP server",
  internal: "Internal API (web app only)",
  "mcp-admin": "MCP server admin endpoints (web app only)",
};

/** The tools a token with `scope` may call: exactly, or through a wildcard such as `…:automation:*`. */
function toolsNeeding(scope: string): string[] {
  return Object.entries(TOOL_ACCESS)
    .filter(([, access]) => grants(scope, access.scope))
    .map(([name]) => name);
}

export default async function ScopesPage() {
  await requireAdmin("/admin/scopes");
  return (
    <section className="card" aria-labelledby="scopes-heading">
      <h1 id="scopes-heading">Scopes</h1>
      <p className="lead">
        Every permission an app can ask for, as the consent screen describes it, and the MCP tools
        each one opens. A scope ending in <code>*</code> grants every scope under its prefix.
      </p>
      <DataTable
        caption={`Scope catalogue (${SCOPE_CATALOGUE.length} scopes)`}
        columns={["Scope", "Description", "Risk", "Resource", "Tools"]}
        rows={SCOPE_CATALOGUE}
      >
        {(scope) => (
          <tr key={scope.name}>
            <th scope="row">
              <code>{scope.name}</code>
              <br />
              <span className="hint">{scope.title}</span>
            </th>
            <td>{scope.description}</td>
            <td>
              <RiskBadge risk={scope.risk} />
            </td>
            <td>{RESOURCE_NAMES[scope.audience] ?? scope.audience}</td>
            <td>
              {toolsNeeding(scope.name).length === 0 ? (
                <span className="hint">none</span>
              ) : (
                toolsNeeding(scope.name).map((tool, index) => (
                  <span key={tool}>
                    {index > 0 ? ", " : ""}
                    <code>{tool}</code>
                  </span>
                ))
              )}
            </td>
          </tr>
        )}
      </DataTable>
    </section>
  );
}
