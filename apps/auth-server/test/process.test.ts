// The real process, started the way `npm start` starts it: it serves, and it refuses bad configuration.
import { describeServerProcess } from "@repo/server-kit/testing/server-process";
import { expect } from "vitest";
import { json } from "./support/test-server";

describeServerProcess({
  name: "auth-server",
  appRoot: new URL("../", import.meta.url),
  readyLine: "auth-server: issuer",
  environment: (origin, databasePath) => ({ ISSUER: origin, AUTH_DATABASE_PATH: databasePath }),
  databaseUrlVariable: "AUTH_DATABASE_URL",
  serves: async (origin) => {
    const metadata = await json(fetch(`${origin}/.well-known/oauth-authorization-server`));
    expect(metadata.issuer).toBe(origin);
  },
  observed: { method: "GET", route: "/authorize", status: 400 },
  refusals: [
    {
      what: "a bad variable",
      environment: { ISSUER: "http://localhost:4000/" },
      says: /ISSUER: must not end with a slash/,
    },
    {
      what: "the development key-encryption secret in production",
      environment: {
        NODE_ENV: "production",
        ISSUER: "https://auth.example.com",
        MCP_RESOURCE: "https://mcp.example.com/mcp",
        SEED_DEMO_DATA: "false",
      },
      says: /KEY_ENCRYPTION_SECRET: still the published development default/,
    },
  ],
});
