import { defineConfig } from "vitest/config";

// The process tests start real servers under tsx: on a loaded 2-core machine a start takes seconds,
// not vitest's default five (the apps' configs give the same helpers the same allowance).
export default defineConfig({
  test: { testTimeout: 30_000, hookTimeout: 30_000 },
});
