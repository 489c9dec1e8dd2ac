# One image for every app of linker-ts; APP picks which one runs (connector, processor, meta-server).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps apps
COPY libs libs
# The web UI is built with the apps (npm run build runs build:ui): the meta-server serves ui/dist with LINKER_UI_PORT.
COPY ui ui
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
COPY --from=build /app/ui/dist ui/dist
COPY topologies topologies
USER node
ENV APP=connector
CMD ["sh", "-c", "exec node dist/apps/${APP}/src/main.js"]
