// Process entry point: `npm start` / `npm run dev` in apps/mcp-server (@repo/server-kit/main).
import { runServer } from "@repo/server-kit/main";
import { loadConfig } from "./config";
import { isStoreUnavailable } from "./http/unavailable";
import { createMcpResourceServer } from "./server";

runServer({
  name: "mcp-server",
  loadConfig,
  start: createMcpResourceServer,
  announce: (config) => ({
    serves: `MCP endpoint ${config.resource}`,
    facts: [`issuer ${config.issuer}`],
    fields: { resource: config.resource },
  }),
  isDatabaseUnavailable: isStoreUnavailable,
});
