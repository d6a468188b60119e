import { defineConfig } from "vitest/config";

// isolate: false runs every file in one module graph per worker, so scope-arbitraries.ts is evaluated
// once instead of once per file: fast-check builds its binary-string arbitrary eagerly, which takes
// most of a second each time. The tests share no mutable state (the catalogue is frozen, the rest
// are pure functions) and mock nothing.
export default defineConfig({
  test: { isolate: false },
});
