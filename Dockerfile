# One image for every app of linker-ts; APP picks which one runs (connector, processor, meta-server).
# scripts/docker-steps.sh runs the build stage's install and build commands in a fresh clone (the test command runs it).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps apps
COPY libs libs
# The linker command (dist/cli/linker-cli.js) is built with the apps: `docker run IMAGE node dist/cli/linker-cli.js …`.
COPY cli cli
# The web UI is built with the apps (npm run build runs build:ui): the meta-server serves ui/dist with LINKER_UI_PORT.
COPY ui ui
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=root:root /app/node_modules node_modules
COPY --from=build --chown=root:root /app/dist dist
COPY package.json ./
COPY --from=build --chown=root:root /app/ui/dist ui/dist
COPY topologies topologies
# Files stay root's and read-only for the app; it writes only its topology cache and data, in /app/.linker-data.
RUN mkdir -p /app/.linker-data && chown node:node /app/.linker-data
# The image's non-root user (uid 1000).
USER node
ENV APP=connector
# The processor's GET /metrics, /health/live and /health/ready are served on this port; the other apps ignore it.
ENV LINKER_METRICS_PORT=9464
# `exec` makes node PID 1, so it gets the SIGTERM of `docker stop` and drains (at most 10 s; the connector
# LINKER_CLOSE_TIMEOUT_MS + 10 s): give it a stop timeout above that (docker-compose.yml: stop_grace_period 30s).
STOPSIGNAL SIGTERM
CMD ["sh", "-c", "exec node dist/apps/${APP}/src/main.js"]
# The app's own GET /health/ready, on the port its configuration gives (main.js --health asks it and exits 0 or 1).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["sh", "-c", "exec node dist/apps/${APP}/src/main.js --health"]
