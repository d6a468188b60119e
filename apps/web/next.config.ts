import { existsSync } from "node:fs";
import type { NextConfig } from "next";
import { STATIC_SECURITY_HEADERS } from "./lib/security-headers";

// One .env at the repository root configures every app (the others read it with Node's
// --env-file-if-exists). Next reads only its own directory's, so load the shared one here; variables
// already set in the environment win, as with the other apps.
const sharedEnvironmentFile = new URL("../../.env", import.meta.url);
if (existsSync(sharedEnvironmentFile)) process.loadEnvFile(sharedEnvironmentFile);

const nextConfig: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // Workspace packages export TypeScript source, so Next compiles them with the app.
  transpilePackages: ["@repo/contracts", "@repo/scopes", "@repo/server-kit"],
  experimental: {
    // forbidden() and app/forbidden.tsx: a non-admin on /admin gets a real HTTP 403 page.
    authInterrupts: true,
  },
  async headers() {
    // Every response, including static assets and 404s; the per-request Content-Security-Policy
    // with its nonce is added by proxy.ts.
    return [{ source: "/:path*", headers: STATIC_SECURITY_HEADERS }];
  },
};

export default nextConfig;
