import type { NextConfig } from "next";
import { STATIC_SECURITY_HEADERS } from "./lib/security-headers";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // Workspace packages export TypeScript source (STYLE.md), so Next compiles them with the app.
  transpilePackages: ["@repo/scopes"],
  async headers() {
    // Every response, including static assets and 404s; the per-request Content-Security-Policy
    // with its nonce is added by proxy.ts.
    return [{ source: "/:path*", headers: STATIC_SECURITY_HEADERS }];
  },
};

export default nextConfig;
