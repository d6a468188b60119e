// The repository's dependency rules (`npm run lint:deps`, part of `npm test`): which workspace may
// import which, and no import circles. Imports are resolved as TypeScript and Node resolve them
// (package `exports` of the workspaces, tsconfig paths), so `@repo/<name>/<subpath>` lands on the file
// it names and a rule sees the app or package behind it.

/** Node's modules that reach outside the process: files, sockets, HTTP, other processes. */
const IO_MODULES = [
  "child_process",
  "cluster",
  "dgram",
  "dns",
  "fs",
  "fs/promises",
  "http",
  "http2",
  "https",
  "inspector",
  "net",
  "readline",
  "repl",
  "tls",
  "worker_threads",
];

const TEST_FILE = "\\.test\\.tsx?$";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-app-imports-app",
      severity: "error",
      comment:
        "An app is deployed on its own: it reaches another only over HTTP. Its tests reach one " +
        "through the other's declared test entry point (`@repo/auth-server/test-server`), never its files.",
      from: { path: "^apps/([^/]+)/" },
      to: {
        path: "^apps/",
        pathNot: ["^apps/$1/", "^apps/auth-server/test/support/test-server\\.ts$"],
      },
    },
    {
      name: "no-app-source-imports-app",
      severity: "error",
      comment: "Not even through a test entry point: only tests may start another app.",
      from: { path: "^apps/([^/]+)/", pathNot: ["/test/", TEST_FILE] },
      to: { path: "^apps/", pathNot: "^apps/$1/" },
    },
    {
      name: "no-package-imports-app",
      severity: "error",
      comment: "Packages sit under the apps: the apps import them, never the other way round.",
      from: { path: "^packages/" },
      to: { path: "^apps/" },
    },
    {
      name: "scopes-imports-nothing-of-ours",
      severity: "error",
      comment: "@repo/scopes is the bottom of the graph: every other workspace may depend on it.",
      from: { path: "^packages/scopes/" },
      to: { path: "^(apps|packages|test)/", pathNot: "^packages/scopes/" },
    },
    {
      name: "sentiment-does-no-io",
      severity: "error",
      comment:
        "The sentiment engine is pure: its results depend on its input and the committed dataset alone.",
      from: { path: "^packages/sentiment/src/", pathNot: TEST_FILE },
      to: { dependencyTypes: ["core"], path: `^(node:)?(${IO_MODULES.join("|")})$` },
    },
    {
      name: "sentiment-has-no-dependencies",
      severity: "error",
      comment: "No npm package either: none can then fetch, read or write on the engine's behalf.",
      from: { path: "^packages/sentiment/src/", pathNot: TEST_FILE },
      to: {
        dependencyTypes: [
          "npm",
          "npm-dev",
          "npm-optional",
          "npm-peer",
          "npm-no-pkg",
          "npm-unknown",
        ],
      },
    },
    {
      name: "no-circular",
      severity: "error",
      comment: "A circle has no bottom to read or test first; split out what both sides need.",
      from: {},
      to: { circular: true },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      comment: "An import the resolver cannot follow would escape every rule above.",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    exclude: { path: "(^|/)(\\.next|dist)/" },
    doNotFollow: { path: "node_modules" },
    // Type-only imports count: a circle through types still ties the modules together.
    tsPreCompilationDeps: true,
    // The base options plus the web app's `@/` alias, the one paths entry in the repository (an `@/…`
    // import in another workspace would resolve into apps/web, and the rules above would catch it).
    tsConfig: { fileName: "tsconfig.dependency-cruiser.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json", ".d.ts"],
      mainFields: ["module", "main", "types", "typings"],
    },
    skipAnalysisNotInRules: true,
  },
};
