// Writes docs/api-reference.md from the document a default-configured server serves at /openapi.json
// (`npm run docs:api -w @repo/auth-server`); test/openapi.test.ts fails when the page is out of date.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OpenAPIV3_1 } from "openapi-types";
import { loadConfig } from "../src/config";
import { OPENAPI_PATH } from "../src/openapi";
import { renderApiReference } from "../src/openapi-reference";
import { createAuthServer } from "../src/server";

const directory = mkdtempSync(join(tmpdir(), "api-reference-"));
try {
  const config = loadConfig({
    NODE_ENV: "test",
    LOG_REQUESTS: "false",
    AUTH_DATABASE_PATH: join(directory, "auth-server.sqlite"),
  });
  const instance = await createAuthServer(config);
  try {
    const response = await instance.app.request(OPENAPI_PATH);
    const document = (await response.json()) as OpenAPIV3_1.Document;
    const target = new URL("../../../docs/api-reference.md", import.meta.url);
    writeFileSync(target, renderApiReference(document));
    console.log(`wrote ${target.pathname}`);
  } finally {
    await instance.close();
  }
} finally {
  rmSync(directory, { recursive: true, force: true });
}
