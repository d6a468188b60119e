// The real process, started the way `npm start` starts it: it serves, and it refuses bad configuration.
import { describeServerProcess } from "@repo/server-kit/testing/server-process";
import { expect } from "vitest";

describeServerProcess({
  name: "mcp-server",
  appRoot: new URL("../", import.meta.url),
  readyLine: "mcp-server: MCP endpoint",
  environment: (origin, databasePath) => ({
    MCP_RESOURCE: `${origin}/mcp`,
    MCP_DATABASE_PATH: databasePath,
  }),
  databaseUrlVariable: "MCP_DATABASE_URL",
  serves: async (origin, output) => {
    expect(output).toContain(`${origin}/mcp`);
    const metadata = (await (
      await fetch(`${origin}/.well-known/oauth-protected-resource/mcp`)
    ).json()) as { resource: string };
    expect(metadata.resource).toBe(`${origin}/mcp`);
    expect((await fetch(`${origin}/mcp`, { method: "POST" })).status).toBe(401);
  },
  observed: { method: "POST", route: "/mcp", status: 401 },
  refusals: [
    {
      what: "plain http off loopback in production",
      environment: { NODE_ENV: "production", MCP_RESOURCE: "http://mcp.example.com/mcp" },
      says: /MCP_RESOURCE: must use https in production/,
    },
  ],
});
