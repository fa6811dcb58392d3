# Hearth: one image for every instance. Build context: the repository root (see .dockerignore).
FROM node:20-bookworm-slim

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them. The workspaces' package.json
# files must be present for `npm ci` to link @hearth/shared, @hearth/server and @hearth/web.
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY web/package.json web/
RUN npm ci --no-audit --no-fund

# The sources, then the production build: the web app (web/build, served by the server) and the
# server bundled into plain JavaScript (server/dist, with its SQL migrations beside it).
COPY . .
RUN npm run build \
 && mkdir -p /app/data \
 && chown node:node /app/data

ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0

USER node
EXPOSE 3000

# The compiled server (no TypeScript loader at run time); it handles SIGTERM by closing sockets and
# the database. `npm run admin` and `npm run verify-records` run their bundles beside it.
CMD ["node", "--enable-source-maps", "server/dist/main.js"]
