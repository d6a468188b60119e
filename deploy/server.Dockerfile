# syntax=docker/dockerfile:1
# The image of either server, chosen by the APP build argument, with PORT its default port. Build from
# the repository root, as docker-compose.yml does:
#   docker build -f deploy/server.Dockerfile --build-arg APP=auth-server --build-arg PORT=4000 .
#   docker build -f deploy/server.Dockerfile --build-arg APP=mcp-server --build-arg PORT=4100 .
# No Docker engine runs on the project's CI machines: this file is checked by
# test/e2e/docker-compose.test.ts, never built there (docs/docker.md).
ARG APP=auth-server

FROM node:20.20-bookworm-slim AS base
ENV TURBO_TELEMETRY_DISABLED=1 NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false

# Only the workspaces the server depends on (the MCP server's include the auth-server's, which its
# tests use as a devDependency): manifests and the pruned lockfile in out/json/, sources in
# out/full/, so the install layer below stays cached until a manifest changes.
FROM base AS pruner
ARG APP
WORKDIR /repo
RUN npm install --global turbo@2.11.11
COPY . .
RUN turbo prune @repo/${APP} --docker

# Production dependencies. --ignore-scripts: the root package.json's postinstall installs
# test/conformance, which the pruned tree does not contain. The packages that do need their install
# scripts (package.json "allowScripts") are rebuilt by name: better-sqlite3 downloads a prebuilt
# binary when it can and compiles with node-gyp otherwise, hence the toolchain in this stage only.
FROM base AS installer
RUN apt-get update \
  && apt-get install --yes --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
# The npm the lockfile is written with (package.json "packageManager").
RUN npm install --global npm@11.19.1
WORKDIR /repo
COPY --from=pruner /repo/out/json/ .
RUN npm ci --omit=dev --ignore-scripts && npm rebuild better-sqlite3 esbuild
COPY --from=pruner /repo/out/full/ .

# The code stays owned by root, so the server cannot rewrite it; only data/ is writable. It is where
# each server keeps its SQLite file by default (data/auth-server.sqlite, data/mcp-server.sqlite, from
# the repository root), so the volume holds it without a setting.
FROM base AS runner
ARG APP
ARG PORT=4000
WORKDIR /repo
COPY --from=installer /repo .
RUN mkdir data && chown node:node data
USER node
ENV NODE_ENV=production HOST=0.0.0.0 PORT=${PORT}
VOLUME ["/repo/data"]
EXPOSE ${PORT}
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# CMD takes no build arguments; the working directory does.
WORKDIR /repo/apps/${APP}
CMD ["node", "--import", "tsx", "src/main.ts"]
