// The scrypt cost of stored passwords: OWASP's on every server main.ts starts, lower only on test servers.

import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StartupCheckError } from "@repo/server-kit/main";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config";
import { createAuthServer } from "../src/server";
import { findUserByEmail } from "../src/store/users";
import {
  DEPLOYMENT_JWT_CLIENT_PUBLIC_KEY,
  startTestAuthServer,
  TEST_PASSWORD_HASH_COST,
} from "./support/test-server";

let directory: string | undefined;
afterEach(() => {
  if (directory) rmSync(directory, { recursive: true, force: true });
  directory = undefined;
});

/** A deployment's configuration, with secrets of its own, on a temporary SQLite file. */
function productionConfig() {
  directory = mkdtempSync(join(tmpdir(), "auth-server-cost-"));
  const secret = () => randomBytes(32).toString("base64url");
  return loadConfig({
    NODE_ENV: "production",
    ISSUER: "https://auth.example.com",
    MCP_RESOURCE: "https://mcp.example.com/mcp",
    WEB_URL: "https://login.example.com",
    KEY_ENCRYPTION_SECRET: secret(),
    WEB_CLIENT_SECRET: secret(),
    DEMO_BATCH_CLIENT_SECRET: secret(),
    DEMO_BATCH_JWT_PUBLIC_KEY: DEPLOYMENT_JWT_CLIENT_PUBLIC_KEY,
    DEMO_USER_PASSWORD: secret(),
    ANALYST_USER_PASSWORD: secret(),
    AUTH_DATABASE_PATH: join(directory, "auth-server.sqlite"),
    LOG_REQUESTS: "false",
  });
}

describe("the scrypt cost of stored passwords", () => {
  it("is OWASP's (N=2^15, r=8, p=3) for the seeded users of a server started as main.ts starts it", async () => {
    const instance = await createAuthServer(productionConfig());
    try {
      const user = await instance.server.store.run((x) => findUserByEmail(x, "demo@example.com"));
      expect(user?.passwordHash).toMatch(/^scrypt\$32768\$8\$3\$/);
      expect(instance.server.passwordHashCost).toEqual({ N: 2 ** 15, r: 8, p: 3 });
    } finally {
      await instance.close();
    }
  });

  it("cannot be lowered under NODE_ENV=production (cheap offline guessing of stolen hashes)", async () => {
    await expect(
      createAuthServer(productionConfig(), { passwordHashCost: TEST_PASSWORD_HASH_COST }),
    ).rejects.toBeInstanceOf(StartupCheckError);
  });

  // internal-login.test.ts and the browser tests sign in against these hashes.
  it("is lower on test servers only, and recorded in each hash for verification", async () => {
    const server = await startTestAuthServer();
    try {
      const user = await server.instance.server.store.run((x) =>
        findUserByEmail(x, "demo@example.com"),
      );
      expect(user?.passwordHash).toMatch(/^scrypt\$1024\$8\$1\$/);
      expect(server.serverErrors).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
